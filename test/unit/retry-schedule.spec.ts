import {
  backoffAfterAttempt,
  deliveryDeadline,
  nextAttemptAt,
  plannedAttempts,
  remainingWindowMs,
  type RetrySchedule,
} from '../../src/domain/retry-schedule';

const S = 1000;
const H = 3600 * S;
const defaults: RetrySchedule = { initialIntervalMs: 5 * S, backoffCoefficient: 2, maximumIntervalMs: H, windowMs: 72 * H };

describe('retry schedule', () => {
  it('backs off 5s, 10s, 20s, ... and caps at 1h', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((a) => backoffAfterAttempt(defaults, a) / S);
    expect(delays).toEqual([5, 10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600, 3600]);
    expect(backoffAfterAttempt(defaults, 5000)).toBe(H);
  });

  it('rejects attempts < 1', () => {
    expect(() => backoffAfterAttempt(defaults, 0)).toThrow(RangeError);
  });

  it('computes the deadline and the remaining window', () => {
    const created = new Date('2024-01-01T00:00:00Z');
    expect(deliveryDeadline(created, 72 * H).toISOString()).toBe('2024-01-04T00:00:00.000Z');
    expect(remainingWindowMs(created, 72 * H, new Date('2024-01-03T23:00:00Z'))).toBe(H);
    expect(remainingWindowMs(created, 72 * H, new Date('2024-01-04T00:00:01Z'))).toBe(-S);
  });

  it('predicts the next attempt within the window', () => {
    const created = new Date('2024-01-01T00:00:00Z');
    const ended = new Date('2024-01-01T00:00:07Z');
    expect(nextAttemptAt(defaults, 3, ended, created)?.toISOString()).toBe('2024-01-01T00:00:27.000Z');
  });

  it('returns null when the next attempt would start past the deadline', () => {
    const created = new Date('2024-01-01T00:00:00Z');
    const deadline = deliveryDeadline(created, defaults.windowMs).getTime();
    const endedLate = new Date(deadline - 30 * 60 * S); // 30 min left, next delay is 1h
    expect(nextAttemptAt(defaults, 20, endedLate, created)).toBeNull();
    const exactlyAtDeadline = new Date(deadline - H);
    expect(nextAttemptAt(defaults, 20, exactlyAtDeadline, created)?.getTime()).toBe(deadline);
  });

  it('plans 81 attempts for the defaults', () => {
    // Attempts 1..11 start at 0 and after 5+10+...+2560 = 5115s; then one per hour:
    // 5115 + 3600n <= 259200 gives n <= 70, so 11 + 70 = 81.
    expect(plannedAttempts(defaults)).toBe(81);
  });

  it('plans a single attempt when the first retry is already past the window', () => {
    expect(plannedAttempts({ ...defaults, windowMs: 4 * S })).toBe(1);
    expect(plannedAttempts({ ...defaults, windowMs: 5 * S })).toBe(2);
  });
});
