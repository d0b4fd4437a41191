import { ApplicationFailure, asyncLocalStorage, log } from '@temporalio/activity';
import { attemptOutcome, type DeliveryContext } from '../src/domain/delivery';
import { EnvironmentShare, NO_FAIR_SHARE, RememberedEnvironments, ShareTurns, type FairShareCaps } from '../src/domain/fair-share';
import type { GateSettings } from '../src/domain/gate';
import { newId } from '../src/domain/ids';
import { nextAttemptAt, parseRetryAfter, remainingMs, RETRY_AFTER_STATUSES } from '../src/domain/retry-schedule';
import { webhookHeaders } from '../src/domain/signature';
import { NON_RETRYABLE, WAITING_FOR_TURN } from '../workflows/definitions';
import type { AttemptRequest } from '../workflows/types';
import { inAttemptSpan } from './attempt-span';
import { attemptFailed, held, notPendingAnyMore } from './failures';
import { renderNotificationBody } from './notification-body';
import { type Answer, postTo } from './http/answer';
import { withUserAgent } from './http/sender';
import type { DeliveryMetrics, DeliverySender, DeliveryStore, NotificationStatus } from './ports';
import { createSubscriptionGate } from './subscription-gate';

export interface ActivityDeps {
  store: DeliveryStore;
  sender: DeliverySender;
  /** A subscription with no 2xx for this long while its attempts fail is disabled (0: never). */
  autoDisableAfterMs: number;
  /** Counts attempts by outcome and the latency of deliveries; none by default. */
  metrics?: DeliveryMetrics;
  /** Where a disabled subscription is reported; the activity's own logger (the worker's) by default. */
  warn?: (message: string, fields: Record<string, unknown>) => void;
  /** The delivery gate's defaults and breaker settings (src/domain/gate.ts); no limit and no breaker by default. */
  gate?: GateSettings;
  /** In [0, 1): the gate's jitter. */
  random?: () => number;
  /** Each environment's cap on this process's attempts in flight (src/domain/fair-share.ts); none by default. */
  fairShare?: FairShareCaps;
  /** Whether the attempt runs as a local activity (a first attempt); read from the activity's context by default. */
  isLocal?: () => boolean;
}

/** The running activity's own context says whether it is local (none outside a worker: a retry). */
const localFromContext = () => asyncLocalStorage.getStore()?.info.isLocal ?? false;

/** No default limits, and a breaker that only a Retry-After opens. */
export const NO_GATE: GateSettings = { defaultRateLimit: 0, defaultMaxInFlight: 0, releaseRate: 10, failureThreshold: 0, openForMs: 5_000, maxOpenMs: 600_000 };

export interface DeliveryOutcome {
  /** The notification's status in the database after this attempt: the workflow adopts it. */
  status: NotificationStatus;
  attempt: number | null;
}

/** An attempt the gate and the window let go: its signed request, and whether it holds a lease to give back. */
interface ClearedAttempt {
  delivery: DeliveryContext;
  leased: boolean;
  startedAt: Date;
  timeoutMs: number;
  body: string;
  headers: Record<string, string>;
}

/** How long an attempt counts as in flight beyond its HTTP timeout (signing, recording), should its worker die. */
const IN_FLIGHT_MARGIN_MS = 5_000;

const NO_METRICS: DeliveryMetrics = { attempt: () => undefined, delivered: () => undefined, gated: () => undefined, breakerChanged: () => undefined };

/** Time an attempt's lease (in flight, or the breaker's probe) covers beyond its HTTP timeout. */
const LEASE_OVERHEAD_MS = 5_000;

export function createActivities({
  store,
  sender,
  autoDisableAfterMs,
  metrics = NO_METRICS,
  warn = (message, fields) => void log.warn(message, fields),
  gate = NO_GATE,
  random = Math.random,
  fairShare = NO_FAIR_SHARE,
  isLocal = localFromContext,
}: ActivityDeps) {
  const { gated, passGate, noteBreaker } = createSubscriptionGate({ store, gate, random, metrics, warn });
  const share = new EnvironmentShare(fairShare);
  const waitingForShare = new RememberedEnvironments();
  const turns = new ShareTurns(fairShare);

  /**
   * What the load says before an attempt: an outcome with no attempt (not pending any more, its subscription deleted),
   * a throw (not found, its turn to come, held, the window closed), or the delivery with the time left before the gate.
   */
  async function readyToAttempt(
    notificationId: string,
    delivery: DeliveryContext | null,
    expiresAt: Date,
  ): Promise<{ outcome: DeliveryOutcome } | { delivery: DeliveryContext; beforeGate: number }> {
    if (!delivery) throw ApplicationFailure.nonRetryable(`notification ${notificationId} not found`, NON_RETRYABLE.notFound);
    if (delivery.status !== 'pending') return { outcome: { status: delivery.status, attempt: null } };
    if (delivery.subscriptionDeleted) return { outcome: { status: (await store.markCancelled(notificationId)) ?? 'cancelled', attempt: null } };
    // Ordered, and an earlier notification of its key has not ended: no attempt, no gate; its workflow waits its turn.
    if (delivery.waitsFor) {
      metrics.waitedForTurn?.();
      throw ApplicationFailure.create({
        message: `waiting for its turn: ${delivery.waitsFor.headId}, the first pending notification of its ordering key, must end first`,
        type: WAITING_FOR_TURN,
        details: [delivery.waitsFor],
        nonRetryable: true,
      });
    }
    if (delivery.subscriptionStatus !== 'active') throw held(delivery.subscriptionId, delivery.subscriptionStatus);
    const beforeGate = remainingMs(expiresAt, new Date());
    if (beforeGate <= 0) throw ApplicationFailure.nonRetryable('the delivery window has closed', NON_RETRYABLE.windowClosed);
    return { delivery, beforeGate };
  }

  /**
   * An attempt whose run names its environment: its fair share is taken before the load (a refusal costs no query),
   * and the load starts the attempt in the same statement when nothing stands before the POST (a free gate, its
   * turn): one round trip and one commit fewer than startAttempt after the load. Should it then make no POST after
   * all (the window closed, the gate disagreed), the mark is ended, so that a delete does not wait for it.
   */
  async function attemptInNamedEnvironment(request: AttemptRequest, environmentId: string, firstAttempt: boolean, leftNow: number): Promise<DeliveryOutcome> {
    const { notificationId, policy } = request;
    if (!share.tryTake(environmentId, firstAttempt)) {
      const wait = turns.refused(environmentId, Date.now(), random);
      throw gated(wait.reason, wait.wait, leftNow);
    }
    const taken = Date.now();
    let attempted = false;
    // The load's in-flight mark, until the POST goes (its record then ends it).
    let markToEnd = false;
    try {
      // As makeAttempt's timeout (the policy's, within the window) will be at most, plus startAttempt's margin.
      const forMs = Math.min(policy.attemptTimeoutMs, leftNow) + IN_FLIGHT_MARGIN_MS;
      const loaded = await store.loadDelivery(notificationId, { forMs, gate });
      const startedByLoad = loaded?.started === true;
      markToEnd = startedByLoad;
      const ready = await readyToAttempt(notificationId, loaded, new Date(request.expiresAt));
      if ('outcome' in ready) return ready.outcome;
      waitingForShare.forget(notificationId);
      attempted = true;
      const cleared = await clearAttempt(request, ready.delivery, ready.beforeGate);
      markToEnd = false;
      return await postAndRecord(request, cleared, startedByLoad);
    } finally {
      share.release(environmentId, firstAttempt);
      if (attempted) turns.ended(environmentId, Date.now() - taken);
      if (markToEnd) await endAttempt(notificationId);
    }
  }

  /** A failure to end the mark must not hide why there was no POST: the mark runs out by itself (forMs). */
  async function endAttempt(notificationId: string): Promise<void> {
    try {
      await store.endAttempt(notificationId);
    } catch (err) {
      warn(`notification ${notificationId}: its attempt's in-flight mark could not be ended`, { notificationId, error: String(err) });
    }
  }

  /** The attempt itself, once the environment's share allows it: the subscription's gate, the POST, the record. */
  async function makeAttempt(request: AttemptRequest, delivery: DeliveryContext, beforeGate: number): Promise<DeliveryOutcome> {
    return postAndRecord(request, await clearAttempt(request, delivery, beforeGate), false);
  }

  /**
   * The subscription's gate passed (its lease taken, if it has a cap) and the window still open: the attempt's
   * signed request, ready to go. Throws when it must not go (gated, the window closed).
   */
  async function clearAttempt(request: AttemptRequest, delivery: DeliveryContext, beforeGate: number): Promise<ClearedAttempt> {
    const { notificationId, policy } = request;
    const { leased } = await passGate(delivery, beforeGate, Math.min(policy.attemptTimeoutMs, beforeGate) + LEASE_OVERHEAD_MS);
    const startedAt = new Date();
    const leftMs = remainingMs(new Date(request.expiresAt), startedAt);
    if (leftMs <= 0) {
      if (leased) await store.releaseLease(delivery.subscriptionId, notificationId);
      throw ApplicationFailure.nonRetryable('the delivery window has closed', NON_RETRYABLE.windowClosed);
    }
    const body = renderNotificationBody(delivery.event);
    const timestampSeconds = Math.floor(startedAt.getTime() / 1000);
    const headers = webhookHeaders({ msgId: notificationId, timestampSeconds, body, secrets: delivery.secrets, test: delivery.event.test });
    return { delivery, leased, startedAt, timeoutMs: Math.min(policy.attemptTimeoutMs, leftMs), body, headers };
  }

  /**
   * The POST of a cleared attempt, and its record. `startedByLoad`: the load already marked it in flight; otherwise
   * startAttempt marks it now, and a notification cancelled since the load (its subscription deleted) gets no POST.
   * Either way a delete waits until this is recorded.
   */
  async function postAndRecord(request: AttemptRequest, cleared: ClearedAttempt, startedByLoad: boolean): Promise<DeliveryOutcome> {
    const { notificationId, policy } = request;
    const expiresAt = new Date(request.expiresAt);
    const { delivery, leased, startedAt, timeoutMs, body, headers } = cleared;
    let answer: Answer;
    try {
      if (!startedByLoad && !(await store.startAttempt(notificationId, timeoutMs + IN_FLIGHT_MARGIN_MS))) throw notPendingAnyMore(notificationId);
      const ids = { notificationId, subscriptionId: delivery.subscriptionId, eventId: delivery.event.id, attempt: delivery.attemptCount + 1 };
      answer = await inAttemptSpan(ids, headers, (traced) =>
        postTo(sender, { url: delivery.url, headers: withUserAgent(traced), body, timeoutMs, allowPrivateTargets: delivery.allowPrivateTargets }),
      );
    } finally {
      if (leased) await store.releaseLease(delivery.subscriptionId, notificationId);
    }
    const endedAt = new Date();
    if (answer.error === null && endedAt > expiresAt) answer.error = `receiver answered HTTP ${answer.statusCode} after the window closed`;
    const succeeded = answer.error === null;

    const attempt = delivery.attemptCount + 1;
    const retryAfterMs = answer.statusCode !== null && RETRY_AFTER_STATUSES.has(answer.statusCode) ? parseRetryAfter(answer.retryAfter, endedAt) : null;
    // A 410 Gone, or failing for too long, disables the subscription: the notification is then held, not retried.
    const gone = answer.statusCode === 410;
    await noteBreaker(delivery, succeeded, retryAfterMs);
    const disabled = succeeded ? null : await store.noteFailure(delivery.subscriptionId, { at: endedAt, gone, autoDisableAfterMs, notificationId });
    if (disabled)
      warn(`subscription ${delivery.subscriptionId} disabled: ${disabled}`, { subscriptionId: delivery.subscriptionId, reason: disabled, notificationId });
    const isHeld = disabled !== null || gone;
    const next = succeeded || isHeld ? null : nextAttemptAt(policy, expiresAt, { attempt, startedAt, endedAt, retryAfterMs });
    const recorded = await store.recordAttempt({
      attemptId: newId('att'),
      notificationId,
      url: delivery.url,
      startedAt,
      endedAt,
      statusCode: answer.statusCode,
      error: answer.error,
      responseBody: answer.responseBody,
      succeeded,
      retryAfterMs,
      nextAttemptAt: next,
      trigger: request.trigger ?? 'initial',
      requestHeaders: answer.requestHeaders,
    });
    metrics.attempt(attemptOutcome(answer.statusCode, answer.timedOut));
    if (succeeded && recorded.status === 'succeeded') metrics.delivered(endedAt.getTime() - delivery.event.createdAt.getTime());
    if (succeeded || recorded.status !== 'pending') return { status: recorded.status, attempt: recorded.number };
    if (isHeld) throw held(delivery.subscriptionId, 'disabled');

    throw attemptFailed(recorded.number, answer, next);
  }

  return {
    /**
     * One signed POST of a notification, under the notification's own policy (the argument, never the worker's
     * config). Returns on a timely 2xx. Otherwise it throws `AttemptFailed` with `nextRetryDelay` set to when the
     * retry schedule says the next attempt starts, or a non-retryable `AttemptsExhausted` when none fits before
     * `expiresAt`. The same function runs as the local first attempt and as the retrying activity. Each attempt goes to
     * the subscription's current URL; none is made once the subscription is deleted (the notification ends cancelled).
     */
    async deliverAttempt(request: AttemptRequest): Promise<DeliveryOutcome> {
      const { notificationId } = request;
      const expiresAt = new Date(request.expiresAt);
      // A local try (attempt 1, or the try after a release) holds a workflow-task slot: it counts in that share.
      const firstAttempt = isLocal();
      const leftNow = remainingMs(expiresAt, new Date());
      if (request.environmentId !== undefined && leftNow > 0) return attemptInNamedEnvironment(request, request.environmentId, firstAttempt, leftNow);
      // A run that names no environment (older runs' input): one told to wait for its share before, whose environment
      // is still at its cap, is refused with no query.
      const known = waitingForShare.get(notificationId);
      if (known !== undefined && leftNow > 0 && share.isFull(known, firstAttempt)) {
        const wait = turns.refused(known, Date.now(), random);
        throw gated(wait.reason, wait.wait, leftNow);
      }
      const ready = await readyToAttempt(notificationId, await store.loadDelivery(notificationId), expiresAt);
      if ('outcome' in ready) return ready.outcome;
      const { delivery, beforeGate } = ready;
      // The environment's fair share of this worker, before the subscription's own gate (in memory, no query).
      const environmentId = delivery.event.environmentId;
      if (!share.tryTake(environmentId, firstAttempt)) {
        waitingForShare.remember(notificationId, environmentId);
        const wait = turns.refused(environmentId, Date.now(), random);
        throw gated(wait.reason, wait.wait, beforeGate);
      }
      waitingForShare.forget(notificationId);
      const taken = Date.now();
      try {
        return await makeAttempt(request, delivery, beforeGate);
      } finally {
        share.release(environmentId, firstAttempt);
        turns.ended(environmentId, Date.now() - taken);
      }
    },

    /**
     * Marks a notification whose window closed without a 2xx; returns the final status, which the workflow adopts.
     * `expiresAt` is the run's own: a notification redelivered since (a later expiresAt) is left alone.
     */
    async expireNotification(notificationId: string, expiresAt?: string): Promise<NotificationStatus | null> {
      return store.markExpired(notificationId, expiresAt ? new Date(expiresAt) : null);
    },

    /** Records that a notification's workflow was cancelled (its subscription deleted, or an operator's cancel). */
    async cancelNotification(notificationId: string): Promise<NotificationStatus | null> {
      return store.markCancelled(notificationId);
    },
  };
}

export type DeliveryActivities = ReturnType<typeof createActivities>;
