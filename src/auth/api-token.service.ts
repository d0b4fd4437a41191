import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { newId } from '../domain/ids';
import { ApiTokenRepository } from '../persistence/repositories/api-token.repository';

export const TOKEN_PREFIX = 'pwh_';
const TOKEN_PATTERN = /^pwh_[A-Za-z0-9_-]{43}$/;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Live tokens are remembered this long, sparing a query per request; a revocation takes effect within it. */
const CACHE_TTL_MS = 30_000;
const CACHE_MAX = 10_000;

/** Issues API tokens (shown once, stored as SHA-256) and resolves a presented token to its environment. */
@Injectable()
export class ApiTokenService {
  private readonly cache = new Map<string, { environmentId: string; until: number }>();

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

  /** The environment of a live token, or null for anything else (malformed, unknown, revoked). */
  async environmentOf(token: string): Promise<string | null> {
    if (!TOKEN_PATTERN.test(token)) return null;
    const hash = hashToken(token);
    const cached = this.cache.get(hash);
    if (cached && cached.until > Date.now()) return cached.environmentId;
    const environmentId = await this.tokens.findEnvironmentIdByHash(hash);
    if (environmentId) {
      if (this.cache.size >= CACHE_MAX) this.cache.clear();
      this.cache.set(hash, { environmentId, until: Date.now() + CACHE_TTL_MS });
    }
    return environmentId;
  }
}
