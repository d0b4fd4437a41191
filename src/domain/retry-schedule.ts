/**
 * When a notification's attempts happen. A notification's policy is fixed when it is created (stored with it and
 * carried by its workflow), so a configuration change never reaches notifications already in flight. The delivery
 * activity asks `nextAttemptAt` after every failed attempt and hands the answer to Temporal as the next retry
 * delay, so the time the API shows is the time the next attempt starts.
 */
export interface DeliveryPolicy {
  /** Wait after the first failed attempt. */
  initialIntervalMs: number;
  /** Longest wait between two attempts. */
  maximumIntervalMs: number;
  /** Each wait is this many times the one before, up to the maximum. */
  backoffCoefficient: number;
  /** Longest one attempt (one HTTP POST) may take to get its answer. */
  attemptTimeoutMs: number;
}

/** Delay after the given 1-based attempt fails: the delay after attempt 1 is `initialIntervalMs`. */
export function backoffAfterAttempt(policy: DeliveryPolicy, attempt: number): number {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be an integer >= 1 (got ${attempt})`);
  const raw = policy.initialIntervalMs * Math.pow(policy.backoffCoefficient, attempt - 1);
  // Math.pow may overflow to Infinity for large attempts; min() still yields the cap.
  return Math.min(raw, policy.maximumIntervalMs);
}

export function deliveryDeadline(eventCreatedAt: Date, windowMs: number): Date {
  return new Date(eventCreatedAt.getTime() + windowMs);
}

/** Milliseconds left until `expiresAt`; zero or negative once it has passed. */
export function remainingMs(expiresAt: Date, now: Date): number {
  return expiresAt.getTime() - now.getTime();
}

/** The latest an attempt may start and still have its whole timeout before the window closes. */
export function lastAttemptStart(policy: DeliveryPolicy, expiresAt: Date): number {
  return expiresAt.getTime() - policy.attemptTimeoutMs;
}

export interface FailedAttempt {
  /** 1-based number of the attempt that just failed. */
  attempt: number;
  startedAt: Date;
  endedAt: Date;
  /** What the receiver asked for with `Retry-After` on a 429 or 503, in milliseconds; null when it did not. */
  retryAfterMs: number | null;
}

/**
 * When the attempt after `failed` starts, or null when none fits before `expiresAt`:
 * - exponential backoff, capped at the maximum interval;
 * - a receiver's Retry-After is honoured unless it is longer than the maximum interval (then the cap wins);
 * - when that would cross the deadline, one last attempt starts just early enough to finish before `expiresAt`
 *   (and no earlier than the failure), unless the failed attempt already was that last one.
 */
export function nextAttemptAt(policy: DeliveryPolicy, expiresAt: Date, failed: FailedAttempt): Date | null {
  let delay = backoffAfterAttempt(policy, failed.attempt);
  if (failed.retryAfterMs !== null) delay = Math.max(delay, Math.min(failed.retryAfterMs, policy.maximumIntervalMs));
  const next = failed.endedAt.getTime() + delay;
  const lastStart = lastAttemptStart(policy, expiresAt);
  if (next <= lastStart) return new Date(next);
  if (failed.startedAt.getTime() >= lastStart || failed.endedAt.getTime() >= expiresAt.getTime()) return null;
  return new Date(Math.max(lastStart, failed.endedAt.getTime()));
}

/** Statuses whose `Retry-After` is honoured (RFC 9110 §10.2.3 names 503 and 3xx; RFC 6585 adds 429). */
export const RETRY_AFTER_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/**
 * A `Retry-After` value as milliseconds from `now`: delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
 * Null when absent or unreadable; a date in the past is 0.
 */
export function parseRetryAfter(value: string | undefined | null, now: Date): number | null {
  if (value === undefined || value === null) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Math.min(Number(text), 1e9) * 1000;
  // HTTP-dates always name a weekday and GMT; Date.parse accepts far more, so insist on that shape.
  if (!/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text)) return null;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
}
