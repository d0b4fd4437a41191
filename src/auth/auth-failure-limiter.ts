import { Inject, Injectable } from '@nestjs/common';
import { CONFIG } from '../config/injection';
import type { Config } from '../config/config';
import { rateLimited } from '../domain/errors';
import { TokenBuckets } from '../domain/rate-limit';
import type { LookupGate } from './token-lookups';

/**
 * AUTH_FAILURE_LIMIT: failed token lookups per client address (the request's address as Express gives it: the
 * socket's peer, no proxy header being trusted), in this process. An address that has used up its failures gets
 * 429 for a token that would need a lookup, before the query. A token this process knows live (cached), a token
 * remembered as unknown (401) and a malformed one (401) need no lookup and are answered as ever.
 */
@Injectable()
export class AuthFailureLimiter {
  private readonly buckets: TokenBuckets | null;

  constructor(@Inject(CONFIG) config: Config) {
    this.buckets = config.http.authFailureLimit ? new TokenBuckets(config.http.authFailureLimit) : null;
  }

  /** The gate of `address`'s lookups: a 429 with Retry-After when it has no failure left; an unknown token takes one. */
  gate(address: string): LookupGate {
    const buckets = this.buckets;
    if (!buckets) return { admitLookup: () => undefined, failed: () => undefined };
    return {
      admitLookup() {
        const admission = buckets.peek(address);
        if (admission.allowed) return;
        const { perSecond, burst } = buckets.limit;
        throw rateLimited(
          `too many failed authentications from this address: at most ${perSecond} a second, in bursts of at most ${burst} (AUTH_FAILURE_LIMIT); retry after ${admission.retryAfterSeconds} s`,
          admission.retryAfterSeconds,
        );
      },
      failed: () => void buckets.take(address),
    };
  }
}
