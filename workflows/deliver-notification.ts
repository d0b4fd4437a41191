import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  TemporalFailure,
} from '@temporalio/workflow';
import type { DeliveryActivities } from '../activities';
import type { OrderingActivities } from '../activities/ordering';
import type { FinalNotificationStatus, NotificationStatus } from '../src/domain/statuses';
import { ATTEMPT_FAILED, GATED, NON_RETRYABLE, notificationStateQuery, releaseSignal, turnSignal, WAITING_FOR_TURN } from './definitions';
import type { AttemptFailureDetails, AttemptRequest, DeliverNotificationInput, GatedDetails, NotificationWorkflowState, TurnWait } from './types';

/** Time an attempt may take beyond its HTTP timeout: loading the notification and recording the attempt. */
const ATTEMPT_OVERHEAD_MS = 5_000;
/** A held notification looks at its subscription again this often, in case a release signal was lost. */
const HOLD_RECHECK_MS = 3_600_000;
/**
 * An ordered notification waiting for its turn looks at the database after this long without a `turn` signal (in case
 * one was lost; ORDERING_RECHECK_INTERVAL, in the input), then after twice as long each time, up to TURN_RECHECK_MAX_MS:
 * a waiting notification's history grows by a few events per look, a few hundred in a whole window at most.
 */
const TURN_RECHECK_FIRST_MS = 60_000;
const TURN_RECHECK_MAX_MS = 900_000;
/**
 * The patch of issue 22 (ordered delivery): waiting for the turn, and passing the turn on at the end. Patch
 * 'ordered-delivery', added in 0.1.0: deprecatePatch() from the first release 10 days after the one that ships it.
 */
const ORDERED_DELIVERY = 'ordered-delivery';
/**
 * The patch that makes a released notification's next try local, as a first attempt is: a resumed backlog then costs
 * what new notifications cost (no activity task, its six history events fewer). Patch 'local-after-hold', added in
 * 0.1.0: deprecatePatch() from the first release 10 days after the one that ships it.
 */
const LOCAL_AFTER_HOLD = 'local-after-hold';
/**
 * The patch that hands a local try's wait for its rate slot to the retrying activity at once, instead of a timer in
 * the workflow: Temporal's retry timer brings the activity back just before the slot, while a workflow timer starts
 * only when the task that ran the local try completes, and its end goes through one more workflow task. Behind a
 * released backlog (hundreds of tasks at once) that came back late for 70 of 239 slots, each then reserved again.
 * Patch 'rate-wait-by-retry', added in 0.1.0: deprecatePatch() from the first release 10 days after the one that ships it.
 */
const RATE_WAIT_BY_RETRY = 'rate-wait-by-retry';

const { expireNotification, cancelNotification } = proxyActivities<DeliveryActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
  summary: 'record the final status',
});

// Local: one indexed read and one signal, in the workflow task that saw the notification end (no task queue round trip
// between one notification of a key and the next).
const { passTurn } = proxyLocalActivities<OrderingActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
  summary: 'tell the next notification of its ordering key',
});

/** What became of one try: the database's final status, a held subscription, the next attempt's time, or the end. */
type Step = { done: FinalNotificationStatus } | { held: true } | { waiting: TurnWait } | { nextAttemptAt: number } | { over: true };

/**
 * Reads a failed try: an ActivityFailure, or (from a local activity) the failure itself. Anything that is not a
 * Temporal failure is a bug and fails the workflow task, so it is retried once fixed.
 */
function stepOf(err: unknown, request: AttemptRequest, local: boolean): Step {
  if (isCancellation(err) || !(err instanceof TemporalFailure)) throw err;
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) {
    if (cause.type === NON_RETRYABLE.held) return { held: true };
    // Ordered, and not its key's head yet (no attempt was made): wait for the turn. Only new histories hold one.
    if (cause.type === WAITING_FOR_TURN && patched(ORDERED_DELIVERY)) return { waiting: cause.details?.[0] as TurnWait };
    const details = cause.details?.[0] as AttemptFailureDetails | undefined;
    if (cause.type === ATTEMPT_FAILED && details?.nextAttemptAt) return { nextAttemptAt: Date.parse(details.nextAttemptAt) };
    if (Object.values(NON_RETRYABLE).includes(cause.type as never)) return { over: true };
    // The local try waited at its subscription's gate (no attempt was made): look again when the gate said; a wait
    // for a rate slot goes on in the retrying activity at once, which keeps the slot and is sent back just before it.
    // (Gated is a newer failure type than the first histories: the wait needs no patch; the hand-over does.) From the
    // retrying activity, a Gated failure means its retries ran out at the deadline, like any other.
    const gate = cause.details?.[0] as GatedDetails | undefined;
    if (local && cause.type === GATED && gate) {
      return { nextAttemptAt: Date.now() + (gate.reason === 'rate' && patched(RATE_WAIT_BY_RETRY) ? 0 : gate.waitMs) };
    }
  }
  // No attempt was recorded (the database was unreachable, or the local try timed out): the retrying activity takes
  // over after the initial interval. For the retrying activity itself, its retries ran out at the deadline.
  return local ? { nextAttemptAt: Date.now() + request.policy.initialIntervalMs } : { over: true };
}

const doneOf = (status: NotificationStatus): Step => (status === 'pending' ? { over: true } : { done: status });

/** What the Web UI shows of a local try: attempt 1 (also an ordered notification's, on its turn), or one after a hold. */
const FIRST_ATTEMPT = 'attempt 1, inside the first workflow task';
const AFTER_RELEASE = 'the next attempt, inside the workflow task that saw the release';

/**
 * One try as a local activity: attempt 1, inside the workflow task that eager start hands to the worker, or the try
 * after a hold, inside the task that saw the release.
 */
async function attemptLocally(request: AttemptRequest, summary: string): Promise<Step> {
  const { deliverAttempt } = proxyLocalActivities<DeliveryActivities>({
    startToCloseTimeout: request.policy.attemptTimeoutMs + ATTEMPT_OVERHEAD_MS,
    retry: { maximumAttempts: 1 },
    summary,
  });
  try {
    return doneOf((await deliverAttempt(request)).status);
  } catch (err) {
    return stepOf(err, request, true);
  }
}

/** Attempts with backoff until a 2xx, a hold, or no attempt fits; the activity sets each retry's delay itself. */
async function retryingAttempts(request: AttemptRequest, expiresAt: number): Promise<Step> {
  const remaining = expiresAt - Date.now();
  if (remaining <= 0) return { over: true };
  const { policy } = request;
  const { deliverAttempt } = proxyActivities<DeliveryActivities>({
    scheduleToCloseTimeout: remaining,
    startToCloseTimeout: Math.min(policy.attemptTimeoutMs + ATTEMPT_OVERHEAD_MS, remaining),
    retry: {
      initialInterval: policy.initialIntervalMs,
      backoffCoefficient: policy.backoffCoefficient,
      maximumInterval: policy.maximumIntervalMs,
      nonRetryableErrorTypes: Object.values(NON_RETRYABLE),
    },
    summary: `attempts with backoff until ${request.expiresAt}`,
  });
  try {
    return doneOf((await deliverAttempt(request)).status);
  } catch (err) {
    return stepOf(err, request, false);
  }
}

/**
 * Delivers one notification (one event to one subscription) under the policy it was created with. The first attempt
 * runs as a local activity (or as the regular one, `firstAttempt: 'activity'`); if it fails, the retrying activity
 * takes over when the schedule says, until a 2xx or until no attempt fits before `expiresAt`. While the subscription
 * is paused or disabled the workflow waits for the `release` signal (or `expiresAt`) without attempting. The
 * notification expires at `expiresAt`, not before, and the workflow's final status is the one the database holds.
 */
export async function deliverNotification(input: DeliverNotificationInput): Promise<NotificationWorkflowState> {
  const { notificationId } = input;
  const expiresAt = Date.parse(input.expiresAt);
  const state: NotificationWorkflowState = { notificationId, status: 'delivering', expiresAt: input.expiresAt };
  setHandler(notificationStateQuery, () => state);
  let released = false;
  setHandler(releaseSignal, () => void (released = true));
  // A notification of its key ended: perhaps it is this one's turn. (A signal handler is no command: no patch.)
  let turn = false;
  setHandler(turnSignal, () => void (turn = true));
  let turnRecheckMs = input.turnRecheckMs ?? TURN_RECHECK_FIRST_MS;
  /** An ordered notification, once it ended, tells its key's next one (no-op for runs from before ordering). */
  const passTheTurn = async () => {
    if (input.ordered && patched(ORDERED_DELIVERY)) await passTurn(notificationId);
  };
  const request: AttemptRequest = {
    notificationId,
    expiresAt: input.expiresAt,
    policy: input.policy,
    trigger: input.trigger ?? 'initial',
    // Only when the input has it: the activity's argument in runs from before stays as it was.
    ...(input.environmentId ? { environmentId: input.environmentId } : {}),
  };

  try {
    // The summary of the next try when it runs locally, else undefined: the retrying activity.
    let local: string | undefined = input.firstAttempt === 'local' ? FIRST_ATTEMPT : undefined;
    while (Date.now() < expiresAt) {
      released = false;
      turn = false;
      const step = local ? await attemptLocally(request, local) : await retryingAttempts(request, expiresAt);
      local = undefined;
      if ('done' in step) {
        state.status = step.done;
        await passTheTurn();
        return state;
      }
      if ('over' in step) break;
      if ('waiting' in step) {
        // Its turn comes when the head ends (the `turn` signal); a resume's `release` also makes it look again.
        state.status = 'waiting';
        state.waitsFor = step.waiting.headId;
        setCurrentDetails(`waiting for its turn: \`${step.waiting.headId}\`, the first pending notification of its ordering key, must end first`);
        await condition(() => turn || released, Math.max(1, Math.min(expiresAt - Date.now(), turnRecheckMs)));
        turnRecheckMs = Math.min(turnRecheckMs * 2, TURN_RECHECK_MAX_MS);
        setCurrentDetails('');
        state.status = 'delivering';
        delete state.waitsFor;
        // Its turn: the next try runs as a first attempt does (local, in this workflow task), so the key's next
        // notification follows as soon as this one's turn comes.
        local = input.firstAttempt === 'local' ? FIRST_ATTEMPT : undefined;
        continue;
      }
      if ('held' in step) {
        state.status = 'held';
        await condition(() => released, Math.max(1, Math.min(expiresAt - Date.now(), HOLD_RECHECK_MS)));
        state.status = 'delivering';
        // Released (or its hourly look): the next try runs as a first attempt does, local, in the workflow task that
        // saw the release. Runs from before the patch retry with the regular activity, as they did.
        local = input.firstAttempt === 'local' && patched(LOCAL_AFTER_HOLD) ? AFTER_RELEASE : undefined;
      } else if (step.nextAttemptAt > Date.now()) {
        await sleep(step.nextAttemptAt - Date.now());
      }
    }
    // The last attempt may have failed well before the window closes: the notification expires at expiresAt.
    if (expiresAt > Date.now()) await sleep(expiresAt - Date.now());
    // With this run's expiresAt: a late retry of this call never expires a later redelivery of the notification.
    const final = await expireNotification(notificationId, input.expiresAt);
    state.status = final === 'succeeded' || final === 'cancelled' || final === 'skipped' ? final : 'expired';
    await passTheTurn();
    return state;
  } catch (err) {
    if (!isCancellation(err)) throw err;
    // Cancelled (its subscription was deleted, or an operator cancelled it): record that, then end as cancelled.
    // Or an operator skipped it (POST /notifications/:id/skip): the database says `skipped`.
    const final = await CancellationScope.nonCancellable(() => cancelNotification(notificationId));
    state.status = final === 'succeeded' || final === 'expired' || final === 'skipped' ? final : 'cancelled';
    await CancellationScope.nonCancellable(passTheTurn);
    throw err;
  }
}
