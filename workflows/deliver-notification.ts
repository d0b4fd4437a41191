import { ActivityFailure, ApplicationFailure, defineQuery, proxyActivities, proxyLocalActivities, setHandler, sleep } from '@temporalio/workflow';
import type { DeliveryActivities } from '../activities';
import {
  ATTEMPT_FAILED,
  type AttemptFailureDetails,
  type AttemptRequest,
  type DeliverNotificationInput,
  NON_RETRYABLE,
  type NotificationWorkflowState,
} from './types';

export const notificationStateQuery = defineQuery<NotificationWorkflowState>('notificationState');

/** Time an attempt may take beyond its HTTP timeout: loading the notification and recording the attempt. */
const ATTEMPT_OVERHEAD_MS = 5_000;

const { expireNotification } = proxyActivities<DeliveryActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
  summary: 'mark the notification expired',
});

/** A failed attempt's error: an ActivityFailure, or (from a local activity) the activity's own ApplicationFailure. */
const isAttemptError = (err: unknown): err is ActivityFailure | ApplicationFailure => err instanceof ActivityFailure || err instanceof ApplicationFailure;

/** The failure details of an attempt the activity recorded; undefined when it failed before recording one. */
function attemptDetails(err: ActivityFailure | ApplicationFailure): AttemptFailureDetails | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (!(cause instanceof ApplicationFailure) || (cause.type !== ATTEMPT_FAILED && cause.type !== NON_RETRYABLE.exhausted)) return undefined;
  return cause.details?.[0] as AttemptFailureDetails | undefined;
}

/**
 * Attempt 1 as a local activity: it runs inside the workflow task that eager start hands to the worker, so a
 * receiver that answers 2xx at once costs one workflow task. Returns true on success, or when the next attempt is due
 * (null: none fits before the window closes).
 */
async function firstAttemptLocally(request: AttemptRequest): Promise<true | { nextAttemptAt: number | null }> {
  const { deliverAttempt } = proxyLocalActivities<DeliveryActivities>({
    startToCloseTimeout: request.policy.attemptTimeoutMs + ATTEMPT_OVERHEAD_MS,
    retry: { maximumAttempts: 1 },
    summary: 'attempt 1, inside the first workflow task',
  });
  try {
    const outcome = await deliverAttempt(request);
    return outcome.status === 'succeeded' || { nextAttemptAt: null };
  } catch (err) {
    if (!isAttemptError(err)) throw err;
    const details = attemptDetails(err);
    // No attempt was recorded (the database was unreachable, say): try again after the initial interval.
    if (!details) return { nextAttemptAt: Date.now() + request.policy.initialIntervalMs };
    return { nextAttemptAt: details.nextAttemptAt === null ? null : Date.parse(details.nextAttemptAt) };
  }
}

/** Attempts with backoff until a 2xx or until no attempt fits; the activity sets each retry's delay itself. */
async function retryingAttempts(request: AttemptRequest, expiresAt: number): Promise<boolean> {
  const remaining = expiresAt - Date.now();
  if (remaining <= 0) return false;
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
    return (await deliverAttempt(request)).status === 'succeeded';
  } catch (err) {
    if (err instanceof ActivityFailure) return false;
    throw err;
  }
}

/**
 * Delivers one notification (one event to one subscription) under the policy it was created with. The first attempt
 * runs as a local activity (or as the regular one, `firstAttempt: 'activity'`); if it fails, the retrying activity
 * takes over when the schedule says, until a 2xx or until no attempt fits before `expiresAt`. The notification
 * expires at `expiresAt`, not before, and the workflow's final status is the one the database holds.
 */
export async function deliverNotification(input: DeliverNotificationInput): Promise<NotificationWorkflowState> {
  const { notificationId } = input;
  const expiresAt = Date.parse(input.expiresAt);
  const state: NotificationWorkflowState = { notificationId, status: 'delivering', expiresAt: input.expiresAt };
  setHandler(notificationStateQuery, () => state);
  const request: AttemptRequest = { notificationId, expiresAt: input.expiresAt, policy: input.policy };

  let delivered = false;
  let retry = Date.now() < expiresAt;
  if (retry && input.firstAttempt === 'local') {
    const first = await firstAttemptLocally(request);
    delivered = first === true;
    if (first !== true) {
      retry = first.nextAttemptAt !== null;
      if (first.nextAttemptAt !== null && first.nextAttemptAt > Date.now()) await sleep(first.nextAttemptAt - Date.now());
    }
  }
  if (!delivered && retry) delivered = await retryingAttempts(request, expiresAt);
  if (delivered) {
    state.status = 'succeeded';
    return state;
  }
  // The last attempt may have failed well before the window closes: the notification expires at expiresAt.
  if (expiresAt > Date.now()) await sleep(expiresAt - Date.now());
  state.status = (await expireNotification(notificationId)) === 'succeeded' ? 'succeeded' : 'expired';
  return state;
}
