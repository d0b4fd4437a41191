import type { DataSource } from 'typeorm';

/** How the portal shows an environment (null: the portal's own look). */
export interface PortalBranding {
  displayName: string | null;
  accentColor: string | null;
  logoUrl: string | null;
}

/** A live portal session: the environment it may see, and how that environment is shown. */
export interface PortalSessionRow {
  id: string;
  environmentId: string;
  branding: PortalBranding;
}

interface Row {
  id: string;
  environment_id: string;
  display_name: string | null;
  accent_color: string | null;
  logo_url: string | null;
}

const toSession = (rows: Row[]): PortalSessionRow | null => {
  const row = rows[0];
  if (!row) return null;
  return { id: row.id, environmentId: row.environment_id, branding: { displayName: row.display_name, accentColor: row.accent_color, logoUrl: row.logo_url } };
};

/** What a statement that makes or finds a session returns: the session, its environment's branding joined. */
const RETURNING = `RETURNING s.id, s.environment_id, e.display_name, e.accent_color, e.logo_url`;

/** A session signed in with an API token lives only as long as that token does. */
/** A session or link that ended more than a day ago: revoked, past its 12 hours, or a link never used and expired. */
const ENDED_A_DAY_AGO = `(revoked_at < now() - interval '1 day' OR expires_at < now() - interval '1 day'
  OR (session_hash IS NULL AND link_expires_at < now() - interval '1 day'))`;

const TOKEN_LIVE = `(s.api_token_id IS NULL OR EXISTS (SELECT 1 FROM api_tokens t WHERE t.id = s.api_token_id AND t.revoked_at IS NULL))`;

/** The portal's sessions and one-time links: only the SHA-256 hashes of their tokens are stored. */
export class PortalSessionRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * A one-time link of `environmentId`, usable until `expiresAt`; false when there is no such environment. The same
   * statement forgets the environment's sessions and links that ended more than a day ago, so that the table holds
   * about what is live.
   */
  async insertLink(link: { id: string; environmentId: string; linkHash: string; expiresAt: Date }): Promise<boolean> {
    const rows = await this.db.query<{ id: string }[]>(
      `WITH forgotten AS (DELETE FROM portal_sessions WHERE environment_id = $2 AND ${ENDED_A_DAY_AGO})
       INSERT INTO portal_sessions (id, environment_id, link_hash, link_expires_at) SELECT $1, id, $3, $4 FROM environments WHERE id = $2 RETURNING id`,
      [link.id, link.environmentId, link.linkHash, link.expiresAt],
    );
    return rows.length === 1;
  }

  /**
   * Uses a link once: in one statement, a live link becomes a session (the link's hash cleared, the cookie's set), so
   * that of two requests with the same link one gets the session and the other null.
   */
  async openLink(linkHash: string, sessionHash: string, maxAgeMs: number): Promise<PortalSessionRow | null> {
    const [rows] = await this.db.query<[Row[], number]>(
      `UPDATE portal_sessions s
          SET link_hash = NULL, session_hash = $2, opened_at = now(), last_seen_at = now(), expires_at = now() + $3 * interval '1 millisecond'
         FROM environments e
        WHERE e.id = s.environment_id AND s.link_hash = $1 AND s.link_expires_at > now() AND s.revoked_at IS NULL
        ${RETURNING}`,
      [linkHash, sessionHash, maxAgeMs],
    );
    return toSession(rows);
  }

  /**
   * A session signed in with the live environment token whose hash is `tokenHash` (its ID kept, so that revoking the
   * token ends the session); null when there is no such token.
   */
  async openSignedIn(session: { id: string; tokenHash: string; sessionHash: string; maxAgeMs: number }): Promise<PortalSessionRow | null> {
    const rows = await this.db.query<Row[]>(
      `WITH token AS (
         SELECT id, environment_id FROM api_tokens WHERE token_hash = $2 AND revoked_at IS NULL AND kind = 'environment'
       ), s AS (
         INSERT INTO portal_sessions (id, environment_id, api_token_id, session_hash, opened_at, last_seen_at, expires_at)
         SELECT $1, environment_id, id, $3, now(), now(), now() + $4 * interval '1 millisecond' FROM token
         RETURNING id, environment_id
       )
       SELECT s.id, s.environment_id, e.display_name, e.accent_color, e.logo_url FROM s JOIN environments e ON e.id = s.environment_id`,
      [session.id, session.tokenHash, session.sessionHash, session.maxAgeMs],
    );
    return toSession(rows);
  }

  /**
   * The live session of a cookie's hash, its idle clock restarted, with its environment's branding; null when
   * unknown, revoked, idle for `idleMs`, past its end, or signed in with a token since revoked.
   */
  async touch(sessionHash: string, idleMs: number): Promise<PortalSessionRow | null> {
    const [rows] = await this.db.query<[Row[], number]>(
      `UPDATE portal_sessions s SET last_seen_at = now()
         FROM environments e
        WHERE e.id = s.environment_id AND s.session_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now()
          AND s.last_seen_at > now() - $2 * interval '1 millisecond' AND ${TOKEN_LIVE}
        ${RETURNING}`,
      [sessionHash, idleMs],
    );
    return toSession(rows);
  }

  /** Ends a session (signing out). */
  async revoke(id: string): Promise<void> {
    await this.db.query(`UPDATE portal_sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, [id]);
  }

  /** Ends `id` (a session, or a link not used yet) if it is `environmentId`'s; false when it has no such one. */
  async revokeOfEnvironment(environmentId: string, id: string): Promise<boolean> {
    const rows = await this.db.query<[unknown[], number]>(
      `UPDATE portal_sessions SET revoked_at = COALESCE(revoked_at, now()) WHERE environment_id = $1 AND id = $2 RETURNING id`,
      [environmentId, id],
    );
    return rows[1] === 1;
  }

  /** Ends every session and unused link of `environmentId`; false when there is no such environment. */
  async revokeEnvironment(environmentId: string): Promise<boolean> {
    const rows = await this.db.query<{ id: string }[]>(
      `WITH revoked AS (UPDATE portal_sessions SET revoked_at = now() WHERE environment_id = $1 AND revoked_at IS NULL)
       SELECT id FROM environments WHERE id = $1`,
      [environmentId],
    );
    return rows.length === 1;
  }
}
