import type { DataSource } from 'typeorm';
import { IsNull } from 'typeorm';
import type { Scope } from '../../domain/scopes';
import { ApiTokenEntity } from '../entities';

/** How often a token's last_used_at is written at most: it is kept to about this, never once per request. */
export const LAST_USED_RESOLUTION_SECONDS = 60;

/** What a live token may reach: its own environment, or (a service token) the environments it lists, null for all. */
export type TokenAccess = { kind: 'environment'; environmentId: string; scopes: Scope[] } | { kind: 'service'; environments: string[] | null; scopes: Scope[] };

interface AccessRow {
  kind: 'environment' | 'service';
  environment_id: string | null;
  environments: string[] | null;
  scopes: Scope[];
}

const toAccess = (row: AccessRow | undefined): TokenAccess | null => {
  if (!row) return null;
  if (row.kind === 'service') return { kind: 'service', environments: row.environments, scopes: row.scopes };
  return { kind: 'environment', environmentId: row.environment_id as string, scopes: row.scopes };
};

type NewToken = Pick<ApiTokenEntity, 'id' | 'tokenHash' | 'tokenPrefix' | 'scopes'>;

export class ApiTokenRepository {
  constructor(private readonly db: DataSource) {}

  /** An environment's token. */
  async insert(token: NewToken & { environmentId: string }): Promise<ApiTokenEntity> {
    return this.save({ ...token, kind: 'environment', name: null, environments: null });
  }

  /** A service token: `environments` null for every environment. */
  async insertService(token: NewToken & { name: string; environments: string[] | null }): Promise<ApiTokenEntity> {
    return this.save({ ...token, kind: 'service', environmentId: null });
  }

  private async save(token: Omit<ApiTokenEntity, 'createdAt' | 'lastUsedAt' | 'revokedAt'>): Promise<ApiTokenEntity> {
    const repository = this.db.getRepository(ApiTokenEntity);
    return repository.save(repository.create({ ...token, createdAt: new Date(), lastUsedAt: null, revokedAt: null }));
  }

  /** The environment a live (not revoked) environment token's hash belongs to, or null. Does not count as a use. */
  async findEnvironmentIdByHash(tokenHash: string): Promise<string | null> {
    const token = await this.db.getRepository(ApiTokenEntity).findOne({ select: { environmentId: true }, where: { tokenHash, revokedAt: IsNull() } });
    return token?.environmentId ?? null;
  }

  /** What a live token hash may reach, or null. Does not count as a use. */
  async findAccessByHash(tokenHash: string): Promise<TokenAccess | null> {
    const rows = await this.db.query<AccessRow[]>(
      `SELECT kind, environment_id, environments, scopes FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL`,
      [tokenHash],
    );
    return toAccess(rows[0]);
  }

  /**
   * What a live token hash may reach, recording the use in the same statement: last_used_at is written only
   * when it is unset or older than LAST_USED_RESOLUTION_SECONDS, so most calls write nothing.
   */
  async authenticate(tokenHash: string): Promise<TokenAccess | null> {
    const rows = await this.db.query<AccessRow[]>(
      `WITH token AS (
         SELECT id, kind, environment_id, environments, scopes, last_used_at FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL
       ), used AS (
         UPDATE api_tokens SET last_used_at = now()
         WHERE id = (SELECT id FROM token)
           AND (last_used_at IS NULL OR last_used_at < now() - $2 * interval '1 second')
         RETURNING id
       )
       SELECT kind, environment_id, environments, scopes FROM token`,
      [tokenHash, LAST_USED_RESOLUTION_SECONDS],
    );
    return toAccess(rows[0]);
  }

  /** The environment's tokens, oldest first, revoked ones included. */
  async listByEnvironment(environmentId: string): Promise<ApiTokenEntity[]> {
    return this.db.getRepository(ApiTokenEntity).find({ where: { environmentId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** The service tokens, oldest first, revoked ones included. */
  async listServiceTokens(): Promise<ApiTokenEntity[]> {
    return this.db.getRepository(ApiTokenEntity).find({ where: { kind: 'service' }, order: { createdAt: 'ASC', id: 'ASC' } });
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

  /** Revokes a service token, like revoke(); null when there is no such service token. */
  async revokeService(tokenId: string): Promise<string | null> {
    const rows = await this.db.query<[{ token_hash: string }[], number]>(
      `UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 AND kind = 'service' RETURNING token_hash`,
      [tokenId],
    );
    return rows[0][0]?.token_hash ?? null;
  }
}
