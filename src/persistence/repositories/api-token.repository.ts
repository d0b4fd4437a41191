import type { DataSource } from 'typeorm';
import { IsNull } from 'typeorm';
import { ApiTokenEntity } from '../entities';

/** How often a token's last_used_at is written at most: it is kept to about this, never once per request. */
export const LAST_USED_RESOLUTION_SECONDS = 60;

export class ApiTokenRepository {
  constructor(private readonly db: DataSource) {}

  async insert(token: Pick<ApiTokenEntity, 'id' | 'environmentId' | 'tokenHash' | 'tokenPrefix'>): Promise<ApiTokenEntity> {
    const repository = this.db.getRepository(ApiTokenEntity);
    return repository.save(repository.create({ ...token, createdAt: new Date(), lastUsedAt: null, revokedAt: null }));
  }

  /** The environment a live (not revoked) token hash belongs to, or null. Does not count as a use. */
  async findEnvironmentIdByHash(tokenHash: string): Promise<string | null> {
    const token = await this.db.getRepository(ApiTokenEntity).findOne({ select: { environmentId: true }, where: { tokenHash, revokedAt: IsNull() } });
    return token?.environmentId ?? null;
  }

  /**
   * The environment of a live token hash, recording the use in the same statement: last_used_at is written only
   * when it is unset or older than LAST_USED_RESOLUTION_SECONDS, so most calls write nothing.
   */
  async authenticate(tokenHash: string): Promise<string | null> {
    const rows = await this.db.query<{ environment_id: string }[]>(
      `WITH token AS (
         SELECT id, environment_id, last_used_at FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL
       ), used AS (
         UPDATE api_tokens SET last_used_at = now()
         WHERE id = (SELECT id FROM token)
           AND (last_used_at IS NULL OR last_used_at < now() - $2 * interval '1 second')
         RETURNING id
       )
       SELECT environment_id FROM token`,
      [tokenHash, LAST_USED_RESOLUTION_SECONDS],
    );
    return rows[0]?.environment_id ?? null;
  }

  /** The environment's tokens, oldest first, revoked ones included. */
  async listByEnvironment(environmentId: string): Promise<ApiTokenEntity[]> {
    return this.db.getRepository(ApiTokenEntity).find({ where: { environmentId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /**
   * Revokes one of the environment's tokens (again: keeps the first revocation's time). Returns its hash, so that
   * caches can forget it, or null when the environment has no such token.
   */
  async revoke(environmentId: string, tokenId: string): Promise<string | null> {
    const rows = await this.db.query<[{ token_hash: string }[], number]>(
      `UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 AND environment_id = $2 RETURNING token_hash`,
      [tokenId, environmentId],
    );
    return rows[0][0]?.token_hash ?? null;
  }
}
