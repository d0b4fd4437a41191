import { ApplicationFailure } from '@temporalio/activity';
import type { HoldingSubscriptionStatus } from '../src/domain/statuses';
import { ATTEMPT_FAILED, NON_RETRYABLE } from '../workflows/definitions';
import type { AttemptFailureDetails } from '../workflows/types';
import type { Answer } from './http/answer';

/** Non-retryable: the subscription is paused or disabled; the workflow waits for its release without attempting. */
export const held = (subscriptionId: string, why: HoldingSubscriptionStatus) =>
  ApplicationFailure.create({ message: `held: subscription ${subscriptionId} is ${why}`, type: NON_RETRYABLE.held, nonRetryable: true });

/** Retryable: the next try loads the notification again and returns its new status without an attempt. */
export const notPendingAnyMore = (notificationId: string) =>
  ApplicationFailure.create({ message: `notification ${notificationId} stopped being pending before its attempt started`, nonRetryable: false });

/**
 * A recorded attempt that failed, with the notification still pending: `AttemptFailed`, retried after
 * `nextRetryDelay` (when `next` says), or a non-retryable `AttemptsExhausted` when no attempt fits before the window
 * closes (`next` null).
 */
export function attemptFailed(attempt: number, answer: Answer, next: Date | null): ApplicationFailure {
  const details: AttemptFailureDetails = { attempt, nextAttemptAt: next ? next.toISOString() : null };
  const message = `attempt ${attempt} → ${answer.statusCode === null ? answer.error : `HTTP ${answer.statusCode}`}`;
  if (next === null) {
    return ApplicationFailure.create({
      message: `${message}; no attempt fits before the window closes`,
      type: NON_RETRYABLE.exhausted,
      nonRetryable: true,
      details: [details],
    });
  }
  // At least 1 ms: Temporal reads a zero delay as "use the retry policy's own backoff".
  const nextRetryDelay = Math.max(1, next.getTime() - Date.now());
  return ApplicationFailure.create({ message, type: ATTEMPT_FAILED, details: [details], nextRetryDelay });
}
