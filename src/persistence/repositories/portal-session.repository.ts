import type { DataSource } from 'typeorm';

/** A live portal session: the environment it may see (and the API token it signed in with, if any). */
export interface PortalSessionRow {
  id: string;
  environmentId: string;
}

interface Row {
  id: string;
  environment_id: string;
}

const toSession = (rows: Row[]): PortalSessionRow | null => (rows[0] ? { id: rows[0].id, environmentId: rows[0].environment_id } : null);

/** The portal's sessions and one-time links: only the SHA-256 hashes of their tokens are stored. */
export class PortalSessionRepository {
  constructor(private readonly db: DataSource) {}

  /** A one-time link of `environmentId`, usable until `expiresAt`; false when there is no such environment. */
  async insertLink(link: { id: string; environmentId: string; linkHash: string; expiresAt: Date }): Promise<boolean> {
    const rows = await this.db.query<{ id: string }[]>(
      `INSERT INTO portal_sessions (id, environment_id, link_hash, link_expires_at) SELECT $1, id, $3, $4 FROM environments WHERE id = $2 RETURNING id`,
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
      `UPDATE portal_sessions
          SET link_hash = NULL, session_hash = $2, opened_at = now(), last_seen_at = now(), expires_at = now() + $3 * interval '1 millisecond'
        WHERE link_hash = $1 AND link_expires_at > now() AND revoked_at IS NULL
        RETURNING id, environment_id`,
      [linkHash, sessionHash, maxAgeMs],
    );
    return toSession(rows);
  }

  /**
   * The live session of a cookie's hash, its idle clock restarted; null when unknown, revoked, idle for `idleMs` or
   * past its end.
   */
  async touch(sessionHash: string, idleMs: number): Promise<PortalSessionRow | null> {
    const [rows] = await this.db.query<[Row[], number]>(
      `UPDATE portal_sessions SET last_seen_at = now()
        WHERE session_hash = $1 AND revoked_at IS NULL AND expires_at > now() AND last_seen_at > now() - $2 * interval '1 millisecond'
        RETURNING id, environment_id`,
      [sessionHash, idleMs],
    );
    return toSession(rows);
  }

  /** Ends a session (signing out). */
  async revoke(id: string): Promise<void> {
    await this.db.query(`UPDATE portal_sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, [id]);
  }
}
