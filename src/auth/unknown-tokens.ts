/**
 * Unknown and revoked tokens are remembered as such this long, sparing a query each time one is presented again (a
 * client retrying with a revoked token, a scanner repeating a guess). Nothing can make one of them live in that
 * time: a token is issued with a new random value, never with one presented before, and a revoked token stays
 * revoked.
 */
export const UNKNOWN_TOKEN_TTL_MS = 10_000;
const UNKNOWN_MAX = 10_000;

/**
 * Hashes of tokens that are not live, each for UNKNOWN_TOKEN_TTL_MS, in this process; at most UNKNOWN_MAX of them
 * (the oldest is forgotten first, so a flood of random tokens costs bounded memory).
 */
export class UnknownTokens {
  /** Hash → until when (Date.now()); in the order they were added, so the first is the oldest. */
  private readonly until = new Map<string, number>();

  constructor(
    private readonly ttlMs = UNKNOWN_TOKEN_TTL_MS,
    private readonly max = UNKNOWN_MAX,
  ) {}

  has(tokenHash: string): boolean {
    const until = this.until.get(tokenHash);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.until.delete(tokenHash);
    return false;
  }

  add(tokenHash: string): void {
    this.until.delete(tokenHash); // re-added at the end: the newest
    if (this.until.size >= this.max) this.until.delete(this.until.keys().next().value as string);
    this.until.set(tokenHash, Date.now() + this.ttlMs);
  }

  /** How many are remembered (for tests). */
  get size(): number {
    return this.until.size;
  }
}
