import { Injectable } from '@nestjs/common';
import { ApiTokenRepository } from '../persistence/repositories/api-token.repository';
import { hashToken, TOKEN_PATTERN } from './api-token';
import { type LookupGate, TokenLookups } from './token-lookups';

/**
 * Live tokens are remembered this long, sparing a query per request. A revocation made through this process takes
 * effect at once (it evicts the token); other processes notice it when their entry expires, within this time.
 */
export const TOKEN_CACHE_TTL_MS = 30_000;
const CACHE_MAX = 10_000;

/** Resolves a presented API token to its environment, through a short cache that a revocation here evicts at once. */
@Injectable()
export class TokenAuthenticator {
  private readonly cache = new Map<string, { environmentId: string; until: number }>();
  /** Unknown and revoked tokens remembered, and the lookups of the others bounded (./token-lookups.ts). */
  private readonly lookups = new TokenLookups((tokenHash) => this.tokens.authenticate(tokenHash));
  /** Counts revocations, so a lookup that raced with one does not cache what it read before it. */
  private revocations = 0;

  constructor(private readonly tokens: ApiTokenRepository) {}

  /**
   * The environment of a live token and the token's hash (what the rate limit counts by), or null for anything else
   * (malformed, unknown, revoked). A lookup in the database also records the use (at most once a minute per token); a
   * cached answer writes nothing. `gate` admits each lookup (AUTH_FAILURE_LIMIT).
   */
  async authenticate(token: string, gate?: LookupGate): Promise<{ environmentId: string; tokenHash: string } | null> {
    if (!TOKEN_PATTERN.test(token)) return null;
    const tokenHash = hashToken(token);
    const cached = this.cache.get(tokenHash);
    if (cached && cached.until > Date.now()) return { environmentId: cached.environmentId, tokenHash };
    const revocations = this.revocations;
    const environmentId = await this.lookups.find(tokenHash, gate);
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

  /**
   * A token was revoked through this process: forgotten at once (and remembered as unknown), and a lookup racing
   * with it caches nothing.
   */
  forget(tokenHash: string): void {
    this.revocations += 1;
    this.cache.delete(tokenHash);
    this.lookups.revoked(tokenHash);
  }
}
