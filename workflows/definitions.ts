import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { NotificationWorkflowState } from './types';

/**
 * The workflows' contract with the rest of the service, declared once. Clients pass these definitions (and the
 * workflow functions themselves) to the Temporal client, so TypeScript checks their arguments and no name is spelled
 * twice: `client.workflow.start(deliverNotification, …)`, `handle.signal(releaseSignal)`,
 * `handle.query(notificationStateQuery)`. The names below are in running workflows' histories: never rename one.
 */

/** Sent by the API to a held notification's workflow when its subscription is active again. */
export const releaseSignal = defineSignal('release');

/**
 * Sent to an ordered notification's workflow (issue 22) when a notification of its key ended, by that notification's
 * workflow or by a skip: it is perhaps its turn now, so it looks again.
 */
export const turnSignal = defineSignal('turn');

/** The deliver-notification workflow's state: delivering or held, then the final status the database recorded. */
export const notificationStateQuery = defineQuery<NotificationWorkflowState>('notificationState');

/** Failure types the delivery activity throws that must not be retried (shared by workflow and activity). */
export const NON_RETRYABLE = {
  windowClosed: 'DeliveryWindowClosed',
  notFound: 'NotificationNotFound',
  /** The attempt failed and no further attempt fits before the notification expires. */
  exhausted: 'AttemptsExhausted',
  /** The subscription is paused or disabled: no attempt until it is active again (the `release` signal). */
  held: 'SubscriptionHeld',
} as const;

/**
 * The failure type of an ordered notification that is not its key's head yet (no attempt was made): its workflow waits
 * for the `turn` signal. Non-retryable; its details carry the `TurnWait` (the head it waits for).
 */
export const WAITING_FOR_TURN = 'WaitingForTurn';

/** The failure type of an attempt that will be retried; its details carry the `AttemptFailureDetails`. */
export const ATTEMPT_FAILED = 'AttemptFailed';

/**
 * The failure type of a notification that waits at its subscription's gate (a rate limit, a cap on attempts in flight,
 * an open breaker): no attempt was made, none is counted. Retryable, with `nextRetryDelay` set to when to look again;
 * its details carry the `GatedDetails`.
 */
export const GATED = 'Gated';
