import { Slots } from '../lib/slots';
import { UnknownTokens } from './unknown-tokens';

/**
 * At most this many tokens are looked up in the database at once, per process: a fifth of the pool (20), so that a
 * flood of unknown tokens waits here, in memory, and never holds the connections that authenticated requests use.
 */
export const TOKEN_LOOKUP_SLOTS = 4;

/** Who may make a lookup (the client's address, AUTH_FAILURE_LIMIT), asked when it has a slot, right before the query. */
export interface LookupGate {
  /** Throws (a 429) to refuse the lookup. */
  admitLookup(): void;
  /** The token looked up was unknown or revoked. */
  failed(): void;
}

const OPEN: LookupGate = { admitLookup: () => undefined, failed: () => undefined };

/**
 * The database lookups of presented tokens that this process does not know live: none for a token remembered as
 * unknown (UnknownTokens), at most TOKEN_LOOKUP_SLOTS at once, each admitted by the caller's gate; an unknown answer
 * is remembered.
 */
export class TokenLookups<T> {
  private readonly unknown = new UnknownTokens();
  private readonly slots = new Slots(TOKEN_LOOKUP_SLOTS);

  constructor(private readonly lookup: (tokenHash: string) => Promise<T | null>) {}

  /** What the database has for a live token's hash, or null (unknown or revoked, remembered or looked up). */
  async find(tokenHash: string, gate: LookupGate = OPEN): Promise<T | null> {
    if (this.unknown.has(tokenHash)) return null;
    return this.slots.run(async () => {
      gate.admitLookup();
      const found = await this.lookup(tokenHash);
      if (found === null) {
        this.unknown.add(tokenHash);
        gate.failed();
      }
      return found;
    });
  }

  /** The token was revoked: remembered as unknown at once. */
  revoked(tokenHash: string): void {
    this.unknown.add(tokenHash);
  }
}
