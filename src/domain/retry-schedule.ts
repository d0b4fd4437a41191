/**
 * Mirrors Temporal's activity RetryPolicy (initialInterval, backoffCoefficient, maximumInterval)
 * bounded by scheduleToCloseTimeout (`windowMs`, measured from event creation), so the API can
 * predict when the next attempt will run.
 */
export interface RetrySchedule {
  initialIntervalMs: number;
  backoffCoefficient: number;
  maximumIntervalMs: number;
  windowMs: number;
}

/** Delay after the given 1-based attempt fails: the delay after attempt 1 is `initialIntervalMs`. */
export function backoffAfterAttempt(schedule: RetrySchedule, attempt: number): number {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be an integer >= 1 (got ${attempt})`);
  const raw = schedule.initialIntervalMs * Math.pow(schedule.backoffCoefficient, attempt - 1);
  // Math.pow may overflow to Infinity for large attempts; min() still yields the cap.
  return Math.min(raw, schedule.maximumIntervalMs);
}

export function deliveryDeadline(eventCreatedAt: Date, windowMs: number): Date {
  return new Date(eventCreatedAt.getTime() + windowMs);
}

/** Milliseconds left until the deadline; zero or negative once it has passed. */
export function remainingWindowMs(eventCreatedAt: Date, windowMs: number, now: Date): number {
  return deliveryDeadline(eventCreatedAt, windowMs).getTime() - now.getTime();
}

/** When attempt `attempt + 1` starts, or null if it would start after the deadline (Temporal gives up). */
export function nextAttemptAt(
  schedule: RetrySchedule,
  attempt: number,
  attemptEndedAt: Date,
  eventCreatedAt: Date,
): Date | null {
  const next = attemptEndedAt.getTime() + backoffAfterAttempt(schedule, attempt);
  return next > deliveryDeadline(eventCreatedAt, schedule.windowMs).getTime() ? null : new Date(next);
}

/** Number of attempts that fit in the window if every attempt fails instantly (first attempt at t=0). */
export function plannedAttempts(schedule: RetrySchedule): number {
  if (!(schedule.initialIntervalMs > 0)) throw new RangeError('initialIntervalMs must be > 0');
  let attempts = 1;
  let t = 0;
  for (;;) {
    const next = t + backoffAfterAttempt(schedule, attempts);
    if (next > schedule.windowMs) return attempts;
    t = next;
    attempts++;
  }
}
