import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The integrator portal's sessions (issue 25). A row starts as a one-time link (`link_hash`, until `link_expires_at`)
 * and becomes a session when the link is opened: the link's hash is cleared and the cookie's is set. A session signed in
 * with a pasted API token has no link. Only SHA-256 hashes of the link and cookie tokens are stored.
 */
export class PortalSessions1765600000000 implements MigrationInterface {
  name = 'PortalSessions1765600000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE portal_sessions (
        id text PRIMARY KEY,
        environment_id text NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
        link_hash text UNIQUE,
        link_expires_at timestamptz,
        session_hash text UNIQUE,
        api_token_id text REFERENCES api_tokens (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        opened_at timestamptz,
        last_seen_at timestamptz,
        expires_at timestamptz,
        revoked_at timestamptz,
        CHECK (link_hash IS NULL OR link_expires_at IS NOT NULL),
        CHECK (session_hash IS NULL OR (opened_at IS NOT NULL AND last_seen_at IS NOT NULL AND expires_at IS NOT NULL))
      )`);
    await db.query(`CREATE INDEX portal_sessions_environment ON portal_sessions (environment_id, created_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE portal_sessions`);
  }
}
