import { ActivityFailure, defineQuery, proxyActivities, setHandler } from '@temporalio/workflow';
import type { DeliveryActivities } from '../activities';
import { type DeliverNotificationInput, NON_RETRYABLE, type NotificationWorkflowState } from './types';

export const notificationStateQuery = defineQuery<NotificationWorkflowState>('notificationState');

/** Time an attempt may take beyond the HTTP timeout: loading the notification and recording the attempt. */
const ATTEMPT_OVERHEAD_MS = 5_000;

const { expireNotification } = proxyActivities<DeliveryActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

/**
 * Delivers one notification (one event to one subscription). The activity's retry policy does the backing off;
 * its schedule-to-close timeout ends retries when the window that started at the event's creation closes.
 */
export async function deliverNotification(input: DeliverNotificationInput): Promise<NotificationWorkflowState> {
  const { notificationId, retry } = input;
  const deadline = Date.parse(input.eventCreatedAt) + retry.windowMs;
  const state: NotificationWorkflowState = { notificationId, status: 'delivering', deadline: new Date(deadline).toISOString() };
  setHandler(notificationStateQuery, () => state);

  const remainingMs = deadline - Date.now();
  if (remainingMs > 0) {
    const { deliverNotification: deliver } = proxyActivities<DeliveryActivities>({
      scheduleToCloseTimeout: remainingMs,
      startToCloseTimeout: retry.attemptTimeoutMs + ATTEMPT_OVERHEAD_MS,
      retry: {
        initialInterval: retry.initialIntervalMs,
        backoffCoefficient: retry.backoffCoefficient,
        maximumInterval: retry.maximumIntervalMs,
        nonRetryableErrorTypes: Object.values(NON_RETRYABLE),
      },
    });
    try {
      const outcome = await deliver(notificationId);
      if (outcome.status !== 'expired') {
        state.status = 'succeeded';
        return state;
      }
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
    }
  }
  await expireNotification(notificationId);
  state.status = 'expired';
  return state;
}
