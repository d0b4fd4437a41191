import {
  afterReserve,
  backoffMs,
  breakerAfterFailure,
  breakerAfterSuccess,
  EARLY_MS,
  effectiveRate,
  gateStep,
  OPEN_GATE,
  slotIntervalMs,
  type BreakerSnapshot,
  type GateSettings,
  type GateState,
} from '../../src/domain/gate';

const settings: GateSettings = { defaultRateLimit: 0, defaultMaxInFlight: 0, releaseRate: 10, failureThreshold: 3, openForMs: 5_000, maxOpenMs: 60_000 };
const state = (changes: Partial<GateState>): GateState => ({ ...OPEN_GATE, rateLimit: null, maxInFlight: null, ...changes });
const noJitter = () => 0;

/**
 * The reservations of one subscription's gate as PostgreSQL makes them (reserveSlot): each caller gets
 * max(next, now) and moves next on by the interval. Returns the slots' times.
 */
function reserveAll(arrivals: number[], everyMs: number): number[] {
  let next = -Infinity;
  return arrivals.map((now) => {
    const slot = Math.max(next, now);
    next = slot + everyMs;
    return slot;
  });
}

const maxPerSecond = (times: number[]) => {
  const counts = new Map<number, number>();
  for (const t of times) counts.set(Math.floor(t / 1000), (counts.get(Math.floor(t / 1000)) ?? 0) + 1);
  return Math.max(...counts.values());
};

describe('the delivery gate: rate', () => {
  it('an unlimited subscription with a closed breaker goes at once, with nothing to reserve or lease (no query)', () => {
    expect(gateStep(OPEN_GATE, settings)).toEqual({ go: true, sleepMs: 0, reserveEveryMs: null, leaseOf: null });
    expect(gateStep(state({}), settings)).toEqual({ go: true, sleepMs: 0, reserveEveryMs: null, leaseOf: null });
  });

  it('slots are 10 % further apart than the rate, so no one-second bucket holds more than the rate, even with 100 ms of jitter', () => {
    for (const rate of [1, 5, 20, 100, 0.5]) {
      const every = slotIntervalMs(rate);
      expect(every).toBeGreaterThanOrEqual(1000 / rate);
      // 1,000 notifications that all arrive at once, at an arbitrary offset within a second.
      const slots = reserveAll(
        Array.from({ length: 1000 }, () => 123),
        every,
      );
      expect(maxPerSecond(slots)).toBeLessThanOrEqual(Math.max(1, Math.floor(rate)));
      // Every other one arrives 100 ms late, the later one early: still within the rate.
      const jittered = slots.map((t, i) => t + (i % 2 === 0 ? 100 : 0));
      expect(maxPerSecond(jittered)).toBeLessThanOrEqual(Math.max(1, Math.ceil(rate)));
    }
  });

  it('the platform default applies to a subscription without a rate; 0 of its own means no limit', () => {
    const withDefault = { ...settings, defaultRateLimit: 4 };
    expect(effectiveRate(state({}), withDefault)).toBe(4);
    expect(effectiveRate(state({ rateLimit: 0 }), withDefault)).toBe(0);
    expect(effectiveRate(state({ rateLimit: 7 }), withDefault)).toBe(7);
  });

  it('a release (after a resume, a re-enable, a closed breaker) paces an unlimited subscription at the release rate while it lasts', () => {
    expect(effectiveRate(state({ releaseInMs: 2_000 }), settings)).toBe(10);
    expect(effectiveRate(state({ releaseInMs: -1 }), settings)).toBe(0);
    // Its own rate wins over the release pace.
    expect(effectiveRate(state({ rateLimit: 20, releaseInMs: 2_000 }), settings)).toBe(20);
  });

  it('a limited subscription reserves a slot; a near one is waited for in the attempt, a far one by coming back just before it', () => {
    expect(gateStep(state({ rateLimit: 5 }), settings)).toEqual({ go: true, sleepMs: 0, reserveEveryMs: 220, leaseOf: null });
    expect(afterReserve(0)).toEqual({ sleepMs: 0 });
    expect(afterReserve(EARLY_MS)).toEqual({ sleepMs: EARLY_MS });
    const far = afterReserve(2_000);
    expect(far).toEqual({ wait: 2_000 - EARLY_MS / 2, reason: 'rate' });
  });

  it('a notification that comes back for its slot keeps it (no new reservation); a slot missed by far is given up', () => {
    expect(gateStep(state({ rateLimit: 5, slotInMs: 100 }), settings)).toEqual({ go: true, sleepMs: 100, reserveEveryMs: null, leaseOf: null });
    expect(gateStep(state({ rateLimit: 5, slotInMs: -10 }), settings)).toEqual({ go: true, sleepMs: 0, reserveEveryMs: null, leaseOf: null });
    expect(gateStep(state({ rateLimit: 5, slotInMs: -200 }), settings)).toMatchObject({ reserveEveryMs: 220 });
    expect(gateStep(state({ rateLimit: 5, slotInMs: -5_000 }), settings)).toMatchObject({ reserveEveryMs: 220 });
  });

  it('a notification back before its slot waits for it again, keeping it (a new one would come later still)', () => {
    expect(gateStep(state({ rateLimit: 5, slotInMs: 5_000 }), settings)).toEqual({ wait: 5_000 - EARLY_MS / 2, reason: 'rate' });
    expect(gateStep(state({ rateLimit: 5, slotInMs: EARLY_MS + 1 }), settings)).toEqual({ wait: EARLY_MS / 2 + 1, reason: 'rate' });
    expect(gateStep(state({ rateLimit: 5, slotInMs: EARLY_MS }), settings)).toEqual({ go: true, sleepMs: EARLY_MS, reserveEveryMs: null, leaseOf: null });
  });

  it('a notification sent away for its slot may come back up to 0.8 s late and keep it (the dev server returned some 1 s late)', () => {
    const sentAway = afterReserve(5_000);
    expect(sentAway).toEqual({ wait: 4_200, reason: 'rate' });
    // Back on time it waits the rest inside the attempt; up to 820 ms late it goes at once; 821 ms late its slot is given up.
    const backAfter = (lateMs: number) => gateStep(state({ rateLimit: 5, slotInMs: 5_000 - 4_200 - lateMs }), settings);
    expect(backAfter(0)).toEqual({ go: true, sleepMs: 800, reserveEveryMs: null, leaseOf: null });
    expect(backAfter(800)).toEqual({ go: true, sleepMs: 0, reserveEveryMs: null, leaseOf: null });
    expect(backAfter(820)).toEqual({ go: true, sleepMs: 0, reserveEveryMs: null, leaseOf: null });
    expect(backAfter(821)).toMatchObject({ reserveEveryMs: 220 });
  });

  it('a cap in flight asks for a lease, the subscription’s own or the default', () => {
    expect(gateStep(state({ maxInFlight: 2 }), settings)).toMatchObject({ go: true, leaseOf: 2 });
    expect(gateStep(state({}), { ...settings, defaultMaxInFlight: 3 })).toMatchObject({ leaseOf: 3 });
    expect(gateStep(state({ maxInFlight: 0 }), { ...settings, defaultMaxInFlight: 3 })).toMatchObject({ leaseOf: null });
  });
});

describe('the delivery gate: breaker', () => {
  const closed: BreakerSnapshot = { state: 'closed', untilInMs: null, failures: 0 };

  it('open: every notification waits until it ends, spread by up to a second of jitter', () => {
    expect(gateStep(state({ breakerState: 'open', breakerInMs: 3_000 }), settings, noJitter)).toEqual({ wait: 3_000, reason: 'breaker' });
    expect(gateStep(state({ breakerState: 'open', breakerInMs: 3_000 }), settings, () => 0.5)).toEqual({ wait: 3_500, reason: 'breaker' });
  });

  it('its time up: claim the probe; half-open with the probe out: look again within a second or so', () => {
    expect(gateStep(state({ breakerState: 'open', breakerInMs: -10 }), settings)).toEqual({ probe: true });
    expect(gateStep(state({ breakerState: 'half-open', breakerInMs: 14_000 }), settings, noJitter)).toEqual({ wait: 1_000, reason: 'breaker' });
    // A probe that never reported (its worker died): the next one claims it.
    expect(gateStep(state({ breakerState: 'half-open', breakerInMs: -1 }), settings)).toEqual({ probe: true });
  });

  it('opens at the threshold of consecutive failures, not before', () => {
    let breaker = closed;
    for (let i = 1; i < settings.failureThreshold; i++) {
      const change = breakerAfterFailure(breaker, null, settings);
      expect(change).toEqual({ state: 'closed', openForMs: null, failures: i, releaseRate: null });
      breaker = { state: change.state, untilInMs: null, failures: change.failures };
    }
    expect(breakerAfterFailure(breaker, null, settings)).toEqual({ state: 'open', openForMs: 5_000, failures: 3, releaseRate: null });
  });

  it('a 429/503 with Retry-After opens it at once, for as long as asked; with threshold 0 failures alone never do', () => {
    expect(breakerAfterFailure(closed, 3_000, settings)).toEqual({ state: 'open', openForMs: 3_000, failures: 1, releaseRate: null });
    expect(breakerAfterFailure(closed, 0, settings).state).toBe('closed');
    const noThreshold = { ...settings, failureThreshold: 0 };
    expect(breakerAfterFailure({ ...closed, failures: 99 }, null, noThreshold).state).toBe('closed');
    expect(breakerAfterFailure(closed, 2_000, noThreshold)).toMatchObject({ state: 'open', openForMs: 2_000 });
  });

  it('a failed probe opens it again for twice as long, up to the maximum', () => {
    const probe = (failures: number): BreakerSnapshot => ({ state: 'half-open', untilInMs: 10_000, failures });
    expect(breakerAfterFailure(probe(3), null, settings)).toMatchObject({ state: 'open', openForMs: 10_000, failures: 4 });
    expect(breakerAfterFailure(probe(4), null, settings)).toMatchObject({ openForMs: 20_000, failures: 5 });
    expect(breakerAfterFailure(probe(40), null, settings)).toMatchObject({ openForMs: 60_000 });
    expect(backoffMs(1_000, settings)).toBe(60_000);
    // 200 notifications failing at once open it once; the first failed probe then doubles the first wait, no more.
    let breaker: BreakerSnapshot = { state: 'closed', untilInMs: null, failures: 0 };
    for (let i = 0; i < 200; i++) {
      const change = breakerAfterFailure(breaker, null, settings);
      breaker = { state: change.state, untilInMs: change.openForMs, failures: change.failures };
    }
    expect(breaker).toEqual({ state: 'open', untilInMs: 5_000, failures: 3 });
    expect(breakerAfterFailure({ ...breaker, state: 'half-open' }, null, settings)).toMatchObject({ openForMs: 10_000 });
    // A Retry-After longer than the back-off wins.
    expect(breakerAfterFailure(probe(3), 30_000, settings)).toMatchObject({ openForMs: 30_000 });
  });

  it('while open, a failure from an attempt that started before changes nothing, unless the receiver asks for longer', () => {
    const open: BreakerSnapshot = { state: 'open', untilInMs: 4_000, failures: 3 };
    expect(breakerAfterFailure(open, null, settings)).toEqual({ state: 'open', openForMs: 4_000, failures: 3, releaseRate: null });
    expect(breakerAfterFailure(open, 9_000, settings)).toMatchObject({ openForMs: 9_000 });
  });

  it('a 2xx closes it and starts a paced release if it was open; a healthy one writes nothing', () => {
    expect(breakerAfterSuccess(closed, settings)).toBeNull();
    expect(breakerAfterSuccess({ ...closed, failures: 2 }, settings)).toEqual({ state: 'closed', openForMs: null, failures: 0, releaseRate: null });
    expect(breakerAfterSuccess({ state: 'half-open', untilInMs: 9_000, failures: 3 }, settings)).toEqual({
      state: 'closed',
      openForMs: null,
      failures: 0,
      releaseRate: 10,
    });
  });
});
