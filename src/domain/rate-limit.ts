/** How many requests one key (an API token, the admin token, a client address's failures) may make: `perSecond` on average, `burst` at once. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

const UNITS: Record<string, number> = { s: 1, sec: 1, second: 1, m: 60, min: 60, minute: 60, h: 3600, hour: 3600 };
const FORMAT = /^(\d+(?:\.\d+)?)(?:\s*\/\s*([a-z]+))?(?:\s*,\s*burst\s*=\s*(\d+))?$/;

export const rateLimitFormat = 'a rate like 100/s, 6000/m or 100 (a second), optionally with ",burst=200"; 0 or off: no limit';

/**
 * `100/s`, `6000/m`, `100` (a second), each optionally followed by `,burst=200`; `0`, `0/s` or `off`: no limit (null).
 * The burst is two seconds' worth of the rate unless given, and at least 1. Undefined for anything else.
 */
export function parseRateLimit(text: string): RateLimit | null | undefined {
  const value = text.trim().toLowerCase();
  if (value === 'off' || value === '0') return null;
  const match = FORMAT.exec(value);
  if (!match) return undefined;
  const seconds = match[2] === undefined ? 1 : UNITS[match[2]];
  if (seconds === undefined) return undefined;
  const perSecond = Number(match[1]) / seconds;
  if (perSecond === 0) return null;
  if (!Number.isFinite(perSecond)) return undefined;
  const burst = match[3] === undefined ? Math.max(1, Math.floor(2 * perSecond)) : Number(match[3]);
  if (!Number.isSafeInteger(burst) || burst < 1) return undefined;
  return { perSecond, burst };
}

export type Admission = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  /** When `tokens` was counted, in the clock's milliseconds. */
  at: number;
}

/**
 * A token bucket per key, in this process: each key starts with `burst` tokens and gets `perSecond` back every
 * second, up to `burst`; a request takes one, and without one it is refused with the whole seconds until one is
 * back (at least 1). Buckets that have filled up again are forgotten once there are `maxKeys` of them.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    readonly limit: RateLimit,
    private readonly now: () => number = () => performance.now(),
    private readonly maxKeys = 10_000,
  ) {}

  take(key: string): Admission {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? this.add(key, now);
    bucket.tokens = this.level(bucket, now);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return this.refused(bucket.tokens);
  }

  /** What `take` would answer now, without taking anything (and without remembering a new key). */
  peek(key: string): Admission {
    const bucket = this.buckets.get(key);
    const tokens = bucket ? this.level(bucket, this.now()) : this.limit.burst;
    return tokens >= 1 ? { allowed: true } : this.refused(tokens);
  }

  /** Keys remembered now (for tests). */
  get size(): number {
    return this.buckets.size;
  }

  /** The tokens `bucket` holds at `now`: refilled at the rate since it was counted, up to the burst. */
  private level(bucket: Bucket, now: number): number {
    return Math.min(this.limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.limit.perSecond);
  }

  private refused(tokens: number): Admission {
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / this.limit.perSecond)) };
  }

  private add(key: string, now: number): Bucket {
    if (this.buckets.size >= this.maxKeys) this.forgetFull(now);
    const bucket = { tokens: this.limit.burst, at: now };
    this.buckets.set(key, bucket);
    return bucket;
  }

  /** Drops the buckets that are full again (no different from new ones); if none is, the oldest. */
  private forgetFull(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (this.level(bucket, now) >= this.limit.burst) this.buckets.delete(key);
    }
    if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value as string);
  }
}
