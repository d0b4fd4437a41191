/**
 * The delivery gate (issue 20): a subscription's rate limit, its cap on attempts in flight and its circuit breaker,
 * as pure decisions. The state comes with the row the delivery activity loads anyway (src/domain/delivery.ts), so an
 * unlimited subscription with a closed breaker is decided here without a query. The shared state itself (the next free
 * slot, the leases, the breaker) lives in PostgreSQL and changes by atomic statements, so every worker sees one gate.
 * Durations are relative to the database's clock (`…InMs`: from now until then), never to a worker's.
 */
import type { BreakerState, GateReason } from './statuses';

export type { BreakerState, GateReason };

export interface GateState {
  /** Deliveries a second: the subscription's own, else its environment's default; null: the platform's default; 0: no limit. */
  rateLimit: number | null;
  /** Attempts in flight at once: the subscription's own, else its environment's default; null: the platform's; 0: no cap. */
  maxInFlight: number | null;
  breakerState: BreakerState;
  /** From now until breaker_until (negative once past); null when there is none. */
  breakerInMs: number | null;
  /** From now until the paced release (after a pause, a re-enable or a closed breaker) ends; null when none. */
  releaseInMs: number | null;
  /** From now until the slot this notification reserved; null when it holds none. */
  slotInMs: number | null;
  consecutiveFailures: number;
}

export interface GateSettings {
  /** The rate of a subscription that sets none; 0: no limit. */
  defaultRateLimit: number;
  /** The cap on attempts in flight of a subscription that sets none; 0: no cap. */
  defaultMaxInFlight: number;
  /** The pace (deliveries a second) of a release, for a subscription without a rate of its own. */
  releaseRate: number;
  /** Consecutive failed attempts that open the breaker; 0: only Retry-After opens it. */
  failureThreshold: number;
  /** How long the breaker first stays open after failures; doubled for each failed probe, up to `maxOpenMs`. */
  openForMs: number;
  maxOpenMs: number;
}

/** The state of a subscription without limits and with a closed breaker. */
export const OPEN_GATE: GateState = {
  rateLimit: 0,
  maxInFlight: 0,
  breakerState: 'closed',
  breakerInMs: null,
  releaseInMs: null,
  slotInMs: null,
  consecutiveFailures: 0,
};

/**
 * Slots are 10 % further apart than the rate: a receiver counting arrivals by the second then sees no more than the
 * limit even when one request takes up to 100 ms longer on the way than the next one (a busy worker's event loop, a
 * TLS handshake). The price: a subscription limited to 100 a second gets about 91.
 */
export const RATE_SLACK = 1.1;
/**
 * A notification with a slot comes back (Temporal's retry timer, then the activity's dispatch) `EARLY_MS / 2` before
 * it, and waits the rest inside the attempt: a slot within `EARLY_MS` is waited for there, so the POST leaves on time.
 * Half of it is how late a notification may come back and keep its slot. Under a released backlog on the dev server,
 * returns came back up to 1.05 s after they were due: with 0.4 s of it, 22 of 180 notifications at rateLimit 18 missed
 * their slot and took one at the end (12.7 s for 11 s of slots); with 0.8 s, none (11.2 s), and a third as many were
 * sent away, as more slots fall within reach of the first attempt. The price: twice as many of a limited
 * subscription's attempts wait inside their activity. Slots come 1.1 / rate s apart, so when a backlog is released,
 * every first attempt whose slot is within 1.6 s waits at once (about 1.45 × the rate: 145 at 100 a second, against
 * 73 before), and then each one sent away waits up to 0.8 s (about 0.73 × the rate). They count against their
 * environment's share of the worker (ENVIRONMENT_MAX_IN_FLIGHT_SHARE), so other environments keep theirs.
 */
export const EARLY_MS = 1_600;
/**
 * A slot missed by more than this (the workflow came back late) is given up and a new one reserved: sending late
 * would crowd the next slot's POST, and the slack between slots (RATE_SLACK) covers only a little lateness.
 */
export const STALE_SLOT_MS = 20;
/**
 * An attempt whose wait for its slot ends this much late (a busy event loop wakes several waits at once) takes a new
 * slot instead of going: half of the 100 ms that RATE_SLACK covers, the other half left for the way to the receiver.
 */
export const LATE_WAKE_MS = 50;
/** While the probe is out, the others look again this often (plus jitter), so that they follow soon after its 2xx. */
export const HALF_OPEN_POLL_MS = 1_000;
/** A notification refused a lease (the cap is reached) looks again after this much, plus as much again of jitter. */
export const LEASE_POLL_MS = 250;
/** The jitter added to a wait for the breaker: notifications come back spread over this much, not all at once. */
export const BREAKER_JITTER_MS = 1_000;

/** The time between two slots of a rate, in milliseconds. */
export const slotIntervalMs = (rate: number): number => Math.ceil((1000 * RATE_SLACK) / rate);

/** The rate the gate applies now: the subscription's, else the default, else the release pace while a release lasts. */
export function effectiveRate(state: GateState, settings: GateSettings): number {
  const own = state.rateLimit ?? settings.defaultRateLimit;
  if (own > 0) return own;
  return state.releaseInMs !== null && state.releaseInMs > 0 ? settings.releaseRate : 0;
}

export const effectiveMaxInFlight = (state: GateState, settings: GateSettings): number => state.maxInFlight ?? settings.defaultMaxInFlight;

/** What the gate says before an attempt. */
export type GateStep =
  /** Do not attempt: look again in `waitMs` (not an attempt, no retry used). */
  | { wait: number; reason: GateReason }
  /** The breaker's time is up: claim the probe (one notification wins), then attempt alone. */
  | { probe: true }
  /** Attempt, after `sleepMs`, once a slot is reserved (`reserveEveryMs`) and a lease taken (`leaseOf`), where set. */
  | { go: true; sleepMs: number; reserveEveryMs: number | null; leaseOf: number | null };

/** `random` is in [0, 1), for jitter. */
export function gateStep(state: GateState, settings: GateSettings, random: () => number = Math.random): GateStep {
  if (state.breakerState !== 'closed') {
    const left = state.breakerInMs ?? 0;
    if (left <= 0) return { probe: true };
    const until = state.breakerState === 'open' ? left : Math.min(left, HALF_OPEN_POLL_MS);
    return { wait: Math.ceil(until + random() * BREAKER_JITTER_MS), reason: 'breaker' };
  }
  const rate = effectiveRate(state, settings);
  const max = effectiveMaxInFlight(state, settings);
  const leaseOf = max > 0 ? max : null;
  if (rate <= 0) return { go: true, sleepMs: 0, reserveEveryMs: null, leaseOf };
  const slot = state.slotInMs;
  if (slot !== null && slot >= -STALE_SLOT_MS) {
    if (slot <= EARLY_MS) return { go: true, sleepMs: Math.max(0, slot), reserveEveryMs: null, leaseOf };
    // Back before its slot (a local try's wait goes on in the retrying activity): the slot stands, as every later
    // reservation comes after it; a new one would leave it empty and come later still.
    return { wait: Math.ceil(slot - EARLY_MS / 2), reason: 'rate' };
  }
  return { go: true, sleepMs: 0, reserveEveryMs: slotIntervalMs(rate), leaseOf };
}

/**
 * The gate lets the attempt go at once, with no query and no wait: what lets the load start the attempt in the same
 * statement. LOAD_AND_START (src/persistence/repositories/delivery.sql.ts) states this in SQL; change both together.
 */
export const gateIsFree = (step: GateStep): boolean => 'go' in step && step.sleepMs === 0 && step.reserveEveryMs === null && step.leaseOf === null;

/** After reserving a slot `slotInMs` from now: attempt after a short wait, or come back just before the slot. */
export function afterReserve(slotInMs: number): { sleepMs: number } | { wait: number; reason: GateReason } {
  if (slotInMs <= EARLY_MS) return { sleepMs: Math.max(0, slotInMs) };
  return { wait: Math.max(1, Math.ceil(slotInMs - EARLY_MS / 2)), reason: 'rate' };
}

/** A refused lease: look again soon, with jitter. */
export const leaseWait = (random: () => number = Math.random) => ({ wait: Math.ceil(LEASE_POLL_MS * (1 + random())), reason: 'in_flight' as const });

/** The breaker as stored, with its time relative to the database's clock. */
export interface BreakerSnapshot {
  state: BreakerState;
  /** From now until breaker_until; null when there is none. */
  untilInMs: number | null;
  failures: number;
}

/** What to write: the new state, for how long from now it stays open, and the pace of a release (when one starts). */
export interface BreakerChange {
  state: BreakerState;
  openForMs: number | null;
  failures: number;
  /** Closed after being open: release the waiting notifications at this pace (a second), unless the rate is lower. */
  releaseRate: number | null;
}

/**
 * How long the breaker stays open after `failures` consecutive failures: doubled for each one past the threshold. Once
 * it is open, only a failed probe adds to the count (attempts that were already in flight when it opened do not).
 */
export function backoffMs(failures: number, settings: GateSettings): number {
  const exponent = Math.max(0, failures - Math.max(1, settings.failureThreshold));
  return Math.min(settings.maxOpenMs, settings.openForMs * 2 ** Math.min(exponent, 30));
}

/**
 * After a failed attempt (`retryAfterMs`: what a 429 or 503 asked for). A failed probe opens the breaker again, for
 * longer each time; a closed breaker opens on a Retry-After or at the threshold; an open one ignores an attempt that
 * started before it opened, unless the receiver asks for longer.
 */
export function breakerAfterFailure(current: BreakerSnapshot, retryAfterMs: number | null, settings: GateSettings): BreakerChange {
  const failures = current.failures + 1;
  const asked = retryAfterMs !== null && retryAfterMs > 0 ? retryAfterMs : null;
  const open = (ms: number, count = failures): BreakerChange => ({ state: 'open', openForMs: ms, failures: count, releaseRate: null });
  // Past the threshold, the count is of failed probes only: the back-off doubles per probe, not per notification.
  if (current.state === 'half-open') return open(Math.max(asked ?? 0, backoffMs(failures, settings)));
  if (current.state === 'open') {
    const left = current.untilInMs ?? 0;
    return asked !== null && asked > left ? open(asked, current.failures) : { state: 'open', openForMs: left, failures: current.failures, releaseRate: null };
  }
  if (asked !== null) return open(asked);
  if (settings.failureThreshold > 0 && failures >= settings.failureThreshold) return open(backoffMs(failures, settings));
  return { state: 'closed', openForMs: null, failures, releaseRate: null };
}

/** After a 2xx: closed, the streak reset, and a paced release if it was open; null when there is nothing to write. */
export function breakerAfterSuccess(current: BreakerSnapshot, settings: GateSettings): BreakerChange | null {
  if (current.state === 'closed' && current.failures === 0) return null;
  return { state: 'closed', openForMs: null, failures: 0, releaseRate: current.state === 'closed' ? null : settings.releaseRate };
}
