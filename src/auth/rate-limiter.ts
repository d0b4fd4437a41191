import { Inject, Injectable } from '@nestjs/common';
import { CONFIG } from '../config/injection';
import type { Config } from '../config/config';
import { rateLimited } from '../domain/errors';
import { TokenBuckets } from '../domain/rate-limit';

/**
 * RATE_LIMIT for the routes that take a token, after it is authenticated: one token bucket per API token (keyed by
 * its SHA-256, never the token) and one for the admin token, in this process. N API processes allow N times the rate.
 */
@Injectable()
export class RateLimiter {
  private readonly buckets: TokenBuckets | null;

  constructor(@Inject(CONFIG) config: Config) {
    this.buckets = config.http.rateLimit ? new TokenBuckets(config.http.rateLimit) : null;
  }

  /** Counts a request of `key` (`what` names it in the message); a 429 with Retry-After when it has none left. */
  admit(key: string, what: string): void {
    if (!this.buckets) return;
    const admission = this.buckets.take(key);
    if (admission.allowed) return;
    const { perSecond, burst } = this.buckets.limit;
    throw rateLimited(
      `too many requests for ${what}: at most ${perSecond} a second, in bursts of at most ${burst} (RATE_LIMIT); retry after ${admission.retryAfterSeconds} s`,
      admission.retryAfterSeconds,
    );
  }
}
