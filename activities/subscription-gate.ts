import { ApplicationFailure } from '@temporalio/activity';
import type { DeliveryContext, DeliveryStore } from '../src/domain/delivery';
import {
  afterReserve,
  breakerAfterFailure,
  breakerAfterSuccess,
  effectiveRate,
  gateStep,
  HALF_OPEN_POLL_MS,
  leaseWait,
  slotIntervalMs,
  LATE_WAKE_MS,
  type GateSettings,
} from '../src/domain/gate';
import type { GateReason } from '../src/domain/statuses';
import { GATED } from '../workflows/definitions';
import type { GatedDetails } from '../workflows/types';
import type { DeliveryMetrics } from './ports';

/** The waits for a slot an attempt makes at most: woken late from the last one, it goes all the same. */
const LATE_WAKES = 3;

/** The real clock: what a test replaces to wake an attempt late. */
const REAL_CLOCK = { now: () => Date.now(), pause: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)) };

export interface SubscriptionGateDeps {
  store: Pick<DeliveryStore, 'claimProbe' | 'reserveSlot' | 'acquireLease' | 'updateBreaker'>;
  gate: GateSettings;
  random: () => number;
  metrics: DeliveryMetrics;
  warn: (message: string, fields: Record<string, unknown>) => void;
  clock?: { now: () => number; pause: (ms: number) => Promise<void> };
}

/**
 * A subscription's delivery gate as the delivery activity meets it (src/domain/gate.ts decides; this asks the store):
 * before an attempt (passGate), after it (noteBreaker), and the `Gated` failure that sends a notification away to wait.
 */
export function createSubscriptionGate({ store, gate, random, metrics, warn, clock = REAL_CLOCK }: SubscriptionGateDeps) {
  /** Not an attempt: look again in `waitMs`, but never past the window's end (the notification then expires). */
  function gated(reason: GateReason, waitMs: number, leftMs: number): ApplicationFailure {
    metrics.gated(reason);
    const wait = Math.max(1, Math.min(waitMs, leftMs));
    const details: GatedDetails = { reason, waitMs: wait };
    return ApplicationFailure.create({
      message: `gated (${reason}): not attempted, looks again in ${wait} ms`,
      type: GATED,
      details: [details],
      nextRetryDelay: wait,
    });
  }

  /**
   * The subscription's gate, before an attempt: an open breaker, the rate's next slot, a lease in flight. Throws
   * `Gated` when the notification is to wait; returns whether it holds a lease (released after the POST). An
   * unlimited subscription with a closed breaker passes without a query.
   */
  async function passGate(delivery: DeliveryContext, leftMs: number, leaseMs: number): Promise<{ leased: boolean }> {
    const { subscriptionId, notificationId } = delivery;
    const step = gateStep(delivery.gate, gate, random);
    if ('wait' in step) throw gated(step.reason, step.wait, leftMs);
    if ('probe' in step) {
      if (!(await store.claimProbe(subscriptionId, leaseMs))) throw gated('breaker', HALF_OPEN_POLL_MS * (1 + random()), leftMs);
      metrics.breakerChanged('half-open');
      return { leased: false };
    }
    let { sleepMs, reserveEveryMs } = step;
    for (let wait = 1; ; wait++) {
      if (reserveEveryMs !== null) {
        const next = afterReserve(await store.reserveSlot(subscriptionId, notificationId, reserveEveryMs));
        if ('wait' in next) throw gated(next.reason, next.wait, leftMs);
        sleepMs = next.sleepMs;
      }
      if (sleepMs <= 0) break;
      const due = clock.now() + sleepMs;
      await clock.pause(sleepMs);
      // Woken late for the slot (a busy event loop wakes several waits at once): going now would crowd the next
      // slots' POSTs into the same second. A new slot, after the ones already taken, keeps them apart.
      if (clock.now() - due <= LATE_WAKE_MS || wait >= LATE_WAKES) break;
      reserveEveryMs = slotIntervalMs(effectiveRate(delivery.gate, gate));
    }
    if (step.leaseOf === null) return { leased: false };
    if (!(await store.acquireLease(subscriptionId, notificationId, step.leaseOf, leaseMs))) {
      const wait = leaseWait(random);
      throw gated(wait.reason, wait.wait, leftMs);
    }
    return { leased: true };
  }

  /** The breaker after an attempt: a 2xx closes it (after failures), a failure counts and may open it. */
  async function noteBreaker(delivery: DeliveryContext, succeeded: boolean, retryAfterMs: number | null): Promise<void> {
    const { gate: state, subscriptionId } = delivery;
    if (succeeded && state.breakerState === 'closed' && state.consecutiveFailures === 0) return;
    if (!succeeded && state.breakerState === 'closed' && gate.failureThreshold === 0 && !(retryAfterMs !== null && retryAfterMs > 0)) return;
    const changed = await store.updateBreaker(
      subscriptionId,
      (current) => (succeeded ? breakerAfterSuccess(current, gate) : breakerAfterFailure(current, retryAfterMs, gate)),
      { notificationId: delivery.notificationId, retryAfter: retryAfterMs !== null && retryAfterMs > 0 },
    );
    if (!changed || changed.before === changed.after) return;
    metrics.breakerChanged(changed.after);
    if (changed.after === 'open') warn(`subscription ${subscriptionId} breaker opened`, { subscriptionId, notificationId: delivery.notificationId });
  }

  return { gated, passGate, noteBreaker };
}
