import type { AttemptEntity, NotificationEntity } from '../persistence/entities';
import type { LiveDelivery } from '../temporal/notification-inspector';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export class NotificationSummary {
  id: string;
  subscriptionId: string;
  status: string;
  attemptCount: number;

  static from(notification: NotificationEntity): NotificationSummary {
    return {
      id: notification.id,
      subscriptionId: notification.subscriptionId,
      status: notification.status,
      attemptCount: notification.attemptCount,
    };
  }
}

export class AttemptResponse {
  number: number;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  succeeded: boolean;
  statusCode: number | null;
  error: string | null;
  /** The first RESPONSE_BODY_LIMIT bytes of what the receiver answered. */
  responseBody: string | null;
  /** What the receiver asked for with Retry-After on a 429 or 503, in milliseconds. */
  retryAfterMs: number | null;
  /** When this attempt's failure scheduled the next one; null after a success or after the last attempt. */
  nextAttemptAt: string | null;
  /** `initial` (the event's publish) or `redeliver`: numbering goes on across redeliveries. */
  trigger: 'initial' | 'redeliver';

  static from(attempt: AttemptEntity): AttemptResponse {
    return {
      number: attempt.number,
      startedAt: attempt.startedAt.toISOString(),
      endedAt: attempt.endedAt.toISOString(),
      durationMs: attempt.durationMs,
      succeeded: attempt.succeeded,
      statusCode: attempt.statusCode,
      error: attempt.error,
      responseBody: attempt.responseBody,
      retryAfterMs: attempt.retryAfterMs,
      nextAttemptAt: iso(attempt.nextAttemptAt),
      trigger: attempt.trigger,
    };
  }
}

export class NotificationResponse {
  id: string;
  eventId: string;
  subscriptionId: string;
  status: string;
  attemptCount: number;
  createdAt: string;
  lastAttemptAt: string | null;
  /** While pending: when the next attempt is due (the creation time until the first attempt has run). */
  nextAttemptAt: string | null;
  completedAt: string | null;
  /** The last redelivery (null if never): it gave the notification its current window and policy. */
  redeliveredAt: string | null;
  /** The delivery window closes here: no attempt starts later, and the notification expires here if none succeeded. */
  expiresAt: string;
  /** The retry policy the notification was created with; it keeps it whatever the configuration becomes. */
  policy: { initialIntervalMs: number; maximumIntervalMs: number; backoffCoefficient: number; attemptTimeoutMs: number };
  attempts: AttemptResponse[];

  /** While pending: `paused` or `disabled` when its subscription holds it (no attempt until it is active again). */
  held: 'paused' | 'disabled' | null;

  /** While pending, what Temporal knows besides; null when it is not pending or Temporal did not answer in time. */
  temporal: LiveDelivery | null;

  static from(notification: NotificationEntity, attempts: AttemptEntity[], subscriptionStatus: string | null, live: LiveDelivery | null = null): NotificationResponse {
    const held = notification.status === 'pending' && (subscriptionStatus === 'paused' || subscriptionStatus === 'disabled') ? subscriptionStatus : null;
    return {
      id: notification.id,
      eventId: notification.eventId,
      subscriptionId: notification.subscriptionId,
      status: notification.status,
      attemptCount: notification.attemptCount,
      createdAt: notification.createdAt.toISOString(),
      lastAttemptAt: iso(notification.lastAttemptAt),
      nextAttemptAt: notification.status === 'pending' && !held ? iso(notification.nextAttemptAt ?? notification.createdAt) : null,
      held,
      completedAt: iso(notification.completedAt),
      redeliveredAt: iso(notification.redeliveredAt),
      expiresAt: notification.expiresAt.toISOString(),
      policy: {
        initialIntervalMs: notification.retryInitialIntervalMs,
        maximumIntervalMs: notification.retryMaximumIntervalMs,
        backoffCoefficient: notification.retryBackoffCoefficient,
        attemptTimeoutMs: notification.attemptTimeoutMs,
      },
      attempts: attempts.map(AttemptResponse.from),
      temporal: live,
    };
  }
}

/** The answer to a redelivery: the notification is pending again, with a new window. */
export class RedeliveryResponse {
  id: string;
  status: 'pending';
  /** The new window's end: DELIVERY_WINDOW from the redelivery. */
  expiresAt: string;
  /** The retry policy the redelivery runs under: the configuration of the process that accepted it. */
  policy: NotificationResponse['policy'];
}
