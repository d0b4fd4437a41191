import { Injectable } from '@nestjs/common';
import { ApiTokenRepository, type TokenAccess } from '../persistence/repositories/api-token.repository';
import { EnvironmentRepository } from '../persistence/repositories/environment.repository';
import { ENVIRONMENT_ID } from '../domain/environment-id';
import { hashToken, TOKEN_PATTERN } from './api-token';
import { type LookupGate, TokenLookups } from './token-lookups';

/**
 * Live tokens are remembered this long, sparing a query per request. A revocation made through this process takes
 * effect at once (it evicts the token); other processes notice it when their entry expires, within this time.
 */
export const TOKEN_CACHE_TTL_MS = 30_000;
const CACHE_MAX = 10_000;

/**
 * Who presented a token: an environment's token (`environmentId`) or a service token (`environments`, null for
 * every one), its scopes, and its hash (what the rate limit counts by).
 */
export type Principal = TokenAccess & { tokenHash: string };

/** Resolves a presented API token to what it may reach, through a short cache that a revocation here evicts at once. */
@Injectable()
export class TokenAuthenticator {
  private readonly cache = new Map<string, { access: TokenAccess; until: number }>();
  /** Unknown and revoked tokens remembered, and the lookups of the others bounded (./token-lookups.ts). */
  private readonly lookups = new TokenLookups((tokenHash) => this.tokens.authenticate(tokenHash));
  /** Environments seen to exist (they are never deleted): a service token for every environment names them. */
  private readonly knownEnvironments = new Set<string>();
  /** Counts revocations, so a lookup that raced with one does not cache what it read before it. */
  private revocations = 0;

  constructor(
    private readonly tokens: ApiTokenRepository,
    private readonly environments: EnvironmentRepository,
  ) {}

  /**
   * The principal of a live token, or null for anything else (malformed, unknown, revoked). A lookup in the
   * database also records the use (at most once a minute per token); a cached answer writes nothing. `gate` admits
   * each lookup (AUTH_FAILURE_LIMIT).
   */
  async authenticate(token: string, gate?: LookupGate): Promise<Principal | null> {
    if (!TOKEN_PATTERN.test(token)) return null;
    const tokenHash = hashToken(token);
    const cached = this.cache.get(tokenHash);
    if (cached && cached.until > Date.now()) return { ...cached.access, tokenHash };
    const revocations = this.revocations;
    const access = await this.lookups.find(tokenHash, gate);
    if (access && revocations === this.revocations) {
      if (this.cache.size >= CACHE_MAX) this.cache.clear();
      this.cache.set(tokenHash, { access, until: Date.now() + TOKEN_CACHE_TTL_MS });
    } else {
      this.cache.delete(tokenHash);
    }
    return access ? { ...access, tokenHash } : null;
  }

  /**
   * Whether `principal` may act in `environmentId` (its X-environment): an environment token in its own, a service
   * token in one it lists, or in any that exists when it lists none.
   */
  async mayUse(principal: TokenAccess, environmentId: string | undefined): Promise<boolean> {
    if (typeof environmentId !== 'string') return false;
    if (principal.kind === 'environment') return principal.environmentId === environmentId;
    if (principal.environments !== null) return principal.environments.includes(environmentId);
    if (this.knownEnvironments.has(environmentId)) return true;
    // An ID that cannot exist never reaches the database (a NUL character would make PostgreSQL fail).
    if (!ENVIRONMENT_ID.test(environmentId) || !(await this.environments.exists(environmentId))) return false;
    if (this.knownEnvironments.size >= CACHE_MAX) this.knownEnvironments.clear();
    this.knownEnvironments.add(environmentId);
    return true;
  }

  /** Whether `token` is a live token of `environmentId`, without counting as a use. */
  async isLive(token: string, environmentId: string): Promise<boolean> {
    return TOKEN_PATTERN.test(token) && (await this.tokens.findEnvironmentIdByHash(hashToken(token))) === environmentId;
  }

  /** What `token` may reach if it is live, without counting as a use. */
  async liveAccess(token: string): Promise<TokenAccess | null> {
    return TOKEN_PATTERN.test(token) ? this.tokens.findAccessByHash(hashToken(token)) : null;
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
