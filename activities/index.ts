import { ApplicationFailure, Context } from '@temporalio/activity';
import { newId } from '../src/domain/ids';
import { nextAttemptAt, remainingWindowMs, type RetrySchedule } from '../src/domain/retry-schedule';
import { webhookHeaders } from '../src/domain/signature';
import { NON_RETRYABLE } from '../workflows/types';
import { renderNotificationBody } from './notification-body';
import type { DeliverySender, DeliveryStore, NotificationStatus } from './ports';

export interface ActivityDeps {
  store: DeliveryStore;
  sender: DeliverySender;
  schedule: RetrySchedule;
  deliveryTimeoutMs: number;
}

export interface DeliveryOutcome {
  status: NotificationStatus;
  attempt: number | null;
}

const isSuccess = (statusCode: number) => statusCode >= 200 && statusCode < 300;

export function createActivities({ store, sender, schedule, deliveryTimeoutMs }: ActivityDeps) {
  return {
    /** One signed POST of a notification. Throws (so Temporal retries) unless the receiver answered 2xx in time. */
    async deliverNotification(notificationId: string): Promise<DeliveryOutcome> {
      const delivery = await store.loadDelivery(notificationId);
      if (!delivery) throw ApplicationFailure.nonRetryable(`notification ${notificationId} not found`, NON_RETRYABLE.notFound);
      if (delivery.status !== 'pending') return { status: delivery.status, attempt: null };

      const startedAt = new Date();
      const remainingMs = remainingWindowMs(delivery.event.createdAt, schedule.windowMs, startedAt);
      if (remainingMs <= 0) throw ApplicationFailure.nonRetryable('the delivery window has closed', NON_RETRYABLE.windowClosed);

      const body = renderNotificationBody(delivery.event);
      const headers = webhookHeaders({
        msgId: notificationId,
        timestampSeconds: Math.floor(startedAt.getTime() / 1000),
        body,
        secrets: delivery.secrets,
      });
      let statusCode: number | null = null;
      let responseBody: string | null = null;
      let error: string | null = null;
      try {
        const response = await sender.send({ url: delivery.url, headers, body, timeoutMs: Math.min(deliveryTimeoutMs, remainingMs) });
        statusCode = response.statusCode;
        responseBody = response.body;
        if (!isSuccess(statusCode)) error = `receiver answered HTTP ${statusCode}`;
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
      }
      const endedAt = new Date();
      const succeeded = error === null;
      const attemptNumber = Context.current().info.attempt;
      const number = await store.recordAttempt({
        attemptId: newId('att'),
        notificationId,
        startedAt,
        endedAt,
        statusCode,
        error,
        responseBody,
        succeeded,
        nextAttemptAt: succeeded ? null : nextAttemptAt(schedule, attemptNumber, endedAt, delivery.event.createdAt),
      });
      if (!succeeded) throw ApplicationFailure.retryable(error ?? 'delivery failed', 'DeliveryFailed', { statusCode });
      return { status: 'succeeded', attempt: number };
    },

    /** Marks a notification whose delivery window closed without a 2xx. */
    async expireNotification(notificationId: string): Promise<void> {
      await store.markExpired(notificationId);
    },
  };
}

export type DeliveryActivities = ReturnType<typeof createActivities>;
