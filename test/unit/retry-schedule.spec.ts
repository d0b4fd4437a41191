import {
  backoffAfterAttempt,
  deliveryDeadline,
  type DeliveryPolicy,
  lastAttemptStart,
  nextAttemptAt,
  parseRetryAfter,
  remainingMs,
} from '../../src/domain/retry-schedule';

const S = 1000;
const H = 3600 * S;
const defaults: DeliveryPolicy = { initialIntervalMs: 5 * S, backoffCoefficient: 2, maximumIntervalMs: H, attemptTimeoutMs: 10 * S };
const created = new Date('2024-01-01T00:00:00Z');
const expiresAt = deliveryDeadline(created, 72 * H);
const at = (ms: number) => new Date(created.getTime() + ms);
/** Attempt `attempt` ran from `start` to `end` (ms after the event) and failed. */
const failed = (attempt: number, start: number, end = start, retryAfterMs: number | null = null) => ({
  attempt,
  startedAt: at(start),
  endedAt: at(end),
  retryAfterMs,
});

/** Every attempt's start when each fails instantly, following nextAttemptAt from the first to the last. */
function simulate(policy: DeliveryPolicy, expiry: Date): number[] {
  const starts = [0];
  for (;;) {
    const next = nextAttemptAt(policy, expiry, failed(starts.length, starts[starts.length - 1]));
    if (next === null) return starts;
    starts.push(next.getTime() - created.getTime());
  }
}

describe('retry schedule', () => {
  it('backs off 5s, 10s, 20s, ... and caps at 1h', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((a) => backoffAfterAttempt(defaults, a) / S);
    expect(delays).toEqual([5, 10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600, 3600]);
    expect(backoffAfterAttempt(defaults, 5000)).toBe(H);
  });

  it('rejects attempts < 1', () => {
    expect(() => backoffAfterAttempt(defaults, 0)).toThrow(RangeError);
  });

  it('computes the deadline, the remaining time and the last start that still gets a whole attempt', () => {
    expect(expiresAt.toISOString()).toBe('2024-01-04T00:00:00.000Z');
    expect(remainingMs(expiresAt, new Date('2024-01-03T23:00:00Z'))).toBe(H);
    expect(remainingMs(expiresAt, new Date('2024-01-04T00:00:01Z'))).toBe(-S);
    expect(new Date(lastAttemptStart(defaults, expiresAt)).toISOString()).toBe('2024-01-03T23:59:50.000Z');
  });

  it('schedules the next attempt from the end of the failed one', () => {
    expect(nextAttemptAt(defaults, expiresAt, failed(3, 6 * S, 7 * S))?.toISOString()).toBe('2024-01-01T00:00:27.000Z');
  });

  it('clamps the step that would cross the deadline to one last attempt that ends by expiresAt', () => {
    const lastStart = lastAttemptStart(defaults, expiresAt);
    // 30 min left and the next delay is 1 h: the last attempt starts at expiresAt minus the attempt timeout.
    const ended = expiresAt.getTime() - 30 * 60 * S - created.getTime();
    expect(nextAttemptAt(defaults, expiresAt, failed(20, ended))?.getTime()).toBe(lastStart);
    // A step that lands exactly on the last start is kept as it is.
    expect(nextAttemptAt(defaults, expiresAt, failed(20, lastStart - H - created.getTime()))?.getTime()).toBe(lastStart);
    // That last attempt failing ends the schedule.
    expect(nextAttemptAt(defaults, expiresAt, failed(21, lastStart - created.getTime()))).toBeNull();
  });

  it('never schedules before now: a failure after the last start point retries at once if it began before it', () => {
    const lastStart = lastAttemptStart(defaults, expiresAt) - created.getTime();
    const next = nextAttemptAt(defaults, expiresAt, failed(30, lastStart - 2 * S, lastStart + 3 * S));
    expect(next?.getTime()).toBe(at(lastStart + 3 * S).getTime());
    expect(nextAttemptAt(defaults, expiresAt, failed(30, lastStart - 2 * S, expiresAt.getTime() - created.getTime()))).toBeNull();
  });

  it('tries until the end of the window: 82 attempts for the defaults, the last one ending at expiresAt', () => {
    // Attempts 1..11 start at 0 and after 5+10+...+2560 = 5115 s, then one an hour up to 5115 + 70 h,
    // then one more at expiresAt - 10 s (the clamped last step).
    const starts = simulate(defaults, expiresAt);
    expect(starts).toHaveLength(82);
    expect(starts[80]).toBe(5115 * S + 70 * H);
    expect(starts[81]).toBe(72 * H - 10 * S);
  });

  it('gives a short window a last attempt too', () => {
    const policy = { ...defaults, attemptTimeoutMs: 1 * S };
    expect(simulate(policy, at(4 * S))).toEqual([0, 3 * S]);
    expect(simulate(policy, at(7 * S))).toEqual([0, 5 * S, 6 * S]);
    // No room even for the first retry: the timeout is as long as the window.
    expect(simulate({ ...defaults, attemptTimeoutMs: 4 * S }, at(4 * S))).toEqual([0]);
  });

  it('honours Retry-After up to the maximum interval, and the deadline over both', () => {
    expect(nextAttemptAt(defaults, expiresAt, failed(1, 0, 0, 120 * S))?.getTime()).toBe(at(120 * S).getTime());
    // Shorter than the backoff: the backoff stands.
    expect(nextAttemptAt(defaults, expiresAt, failed(3, 0, 0, 1 * S))?.getTime()).toBe(at(20 * S).getTime());
    // Longer than the maximum interval: the cap wins.
    expect(nextAttemptAt(defaults, expiresAt, failed(1, 0, 0, 5 * H))?.getTime()).toBe(at(H).getTime());
    // Past the deadline: the last attempt before expiresAt wins.
    const late = expiresAt.getTime() - 20 * 60 * S - created.getTime();
    expect(nextAttemptAt(defaults, expiresAt, failed(2, late, late, 30 * 60 * S))?.getTime()).toBe(lastAttemptStart(defaults, expiresAt));
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = new Date('2026-11-30T12:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120 * S);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Mon, 30 Nov 2026 12:01:30 GMT', now)).toBe(90 * S);
    expect(parseRetryAfter('Mon, 30 Nov 2026 11:00:00 GMT', now)).toBe(0);
    for (const bad of [undefined, null, '', '-5', '1.5', 'soon', '2026-11-30T12:01:30Z', 'Mon, 30 Nov 2026 12:01:30']) {
      expect(parseRetryAfter(bad, now)).toBeNull();
    }
  });
});
