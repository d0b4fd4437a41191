import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { newId } from '../domain/ids';
import type { ApiTokenEntity } from '../persistence/entities';
import { ApiTokenRepository } from '../persistence/repositories/api-token.repository';

export const TOKEN_PREFIX = 'pwh_';
const TOKEN_PATTERN = /^pwh_[A-Za-z0-9_-]{43}$/;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Live tokens are remembered this long, sparing a query per request. A revocation made through this process takes
 * effect at once (it evicts the token); other processes notice it when their entry expires, within this time.
 */
export const TOKEN_CACHE_TTL_MS = 30_000;
const CACHE_MAX = 10_000;

/** Issues API tokens (shown once, stored as SHA-256), resolves a presented token to its environment, revokes them. */
@Injectable()
export class ApiTokenService {
  private readonly cache = new Map<string, { environmentId: string; until: number }>();
  /** Counts revocations, so a lookup that raced with one does not cache what it read before it. */
  private revocations = 0;

  constructor(private readonly tokens: ApiTokenRepository) {}

  async issue(environmentId: string): Promise<{ id: string; token: string; createdAt: Date }> {
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const stored = await this.tokens.insert({
      id: newId('tok'),
      environmentId,
      tokenHash: hashToken(token),
      tokenPrefix: token.slice(0, 12),
    });
    return { id: stored.id, token, createdAt: stored.createdAt };
  }

  /**
   * The environment of a live token and the token's hash (what the rate limit counts by), or null for anything else
   * (malformed, unknown, revoked). A lookup in the database also records the use (at most once a minute per token); a
   * cached answer writes nothing.
   */
  async authenticate(token: string): Promise<{ environmentId: string; tokenHash: string } | null> {
    if (!TOKEN_PATTERN.test(token)) return null;
    const tokenHash = hashToken(token);
    const cached = this.cache.get(tokenHash);
    if (cached && cached.until > Date.now()) return { environmentId: cached.environmentId, tokenHash };
    const revocations = this.revocations;
    const environmentId = await this.tokens.authenticate(tokenHash);
    if (environmentId && revocations === this.revocations) {
      if (this.cache.size >= CACHE_MAX) this.cache.clear();
      this.cache.set(tokenHash, { environmentId, until: Date.now() + TOKEN_CACHE_TTL_MS });
    } else {
      this.cache.delete(tokenHash);
    }
    return environmentId ? { environmentId, tokenHash } : null;
  }

  /** Whether `token` is a live token of `environmentId`, without counting as a use. */
  async isLive(token: string, environmentId: string): Promise<boolean> {
    return TOKEN_PATTERN.test(token) && (await this.tokens.findEnvironmentIdByHash(hashToken(token))) === environmentId;
  }

  list(environmentId: string): Promise<ApiTokenEntity[]> {
    return this.tokens.listByEnvironment(environmentId);
  }

  /** Revokes the token and forgets it here at once. False when the environment has no such token. */
  async revoke(environmentId: string, tokenId: string): Promise<boolean> {
    const hash = await this.tokens.revoke(environmentId, tokenId);
    if (hash === null) return false;
    this.revocations += 1;
    this.cache.delete(hash);
    return true;
  }
}
