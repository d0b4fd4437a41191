import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When an API token last authenticated a request (issue 7 §6), kept to about a minute: written at most once a
 * minute per token, never once per request. The index serves the admin API's list of an environment's tokens.
 */
export class TokenLastUsed1764860000000 implements MigrationInterface {
  name = 'TokenLastUsed1764860000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE api_tokens ADD COLUMN last_used_at timestamptz`);
    await db.query(`CREATE INDEX api_tokens_environment_created ON api_tokens (environment_id, created_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX IF EXISTS api_tokens_environment_created`);
    await db.query(`ALTER TABLE api_tokens DROP COLUMN last_used_at`);
  }
}
