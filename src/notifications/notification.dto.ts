import { ApiProperty } from '@nestjs/swagger';
import type { AttemptEntity, NotificationEntity } from '../persistence/entities';
import { AttemptResponse } from './attempt.dto';
import type { LiveDelivery } from '../domain/delivery';
import type { DeliveryPolicy } from '../domain/retry-schedule';
import { traceUrlOf } from '../domain/trace-url';
import {
  HOLDING_SUBSCRIPTION_STATUSES,
  type HoldingSubscriptionStatus,
  NOTIFICATION_STATUSES,
  type NotificationStatus,
  type SubscriptionStatus,
} from '../domain/statuses';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export class NotificationSummary {
  @ApiProperty({ example: 'ntf_01J…' })
  id: string;

  @ApiProperty({ example: 'sub_01J…' })
  subscriptionId: string;

  @ApiProperty({ enum: [...NOTIFICATION_STATUSES] })
  status: NotificationStatus;

  @ApiProperty({ type: 'integer', minimum: 0 })
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

/** What Temporal knows of a pending notification (src/temporal/notification-inspector.ts). */
export class LiveDeliveryView implements LiveDelivery {
  @ApiProperty({ example: 'RUNNING', description: 'The workflow’s status (RUNNING while it delivers or holds)' })
  workflowStatus: string;

  @ApiProperty({ type: 'integer', nullable: true, description: 'The retrying activity’s attempt as Temporal counts it; null when no activity is scheduled' })
  activityAttempt: number | null;

  @ApiProperty({ type: String, nullable: true, example: 'attempt 4 → HTTP 500', description: 'The last failure Temporal recorded for the activity' })
  lastFailure: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When Temporal will run the next attempt, while it waits to retry' })
  nextRetryAt: string | null;

  @ApiProperty({
    type: Boolean,
    nullable: true,
    description: 'The workflow waits for its subscription to be active again: it runs, no activity is scheduled and the subscription is paused or disabled',
  })
  held: boolean | null;
}

/** The retry policy a notification was created with. */
export class NotificationPolicy implements DeliveryPolicy {
  @ApiProperty({ type: 'integer' })
  initialIntervalMs: number;

  @ApiProperty({ type: 'integer' })
  maximumIntervalMs: number;

  @ApiProperty()
  backoffCoefficient: number;

  @ApiProperty({ type: 'integer' })
  attemptTimeoutMs: number;
}

export class NotificationResponse {
  @ApiProperty({ example: 'ntf_01J…' })
  id: string;

  @ApiProperty({ example: 'evt_01J…' })
  eventId: string;

  @ApiProperty({ example: 'sub_01J…' })
  subscriptionId: string;

  @ApiProperty({ enum: [...NOTIFICATION_STATUSES] })
  status: NotificationStatus;

  @ApiProperty({ type: 'integer', minimum: 0 })
  attemptCount: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastAttemptAt: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'While pending and not held: when the next attempt is due (the creation time until the first attempt has run)',
  })
  nextAttemptAt: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  completedAt: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'The last redelivery (null if never): it gave the notification its current window and policy',
  })
  redeliveredAt: string | null;

  @ApiProperty({
    format: 'date-time',
    description: 'The delivery window closes here: no attempt starts later, and the notification expires here if none succeeded',
  })
  expiresAt: string;

  @ApiProperty({
    type: NotificationPolicy,
    description: 'The retry policy the notification was created with (or its last redelivery gave it); it keeps it whatever the configuration becomes',
  })
  policy: NotificationPolicy;

  @ApiProperty({ type: [AttemptResponse] })
  attempts: AttemptResponse[];

  @ApiProperty({
    enum: [...HOLDING_SUBSCRIPTION_STATUSES],
    nullable: true,
    description: 'While pending: paused or disabled when its subscription holds it (no attempt until it is active again); null otherwise',
  })
  held: HoldingSubscriptionStatus | null;

  @ApiProperty({
    type: LiveDeliveryView,
    nullable: true,
    description: 'While pending, what Temporal knows besides; null when not pending or Temporal did not answer within 1 s',
  })
  temporal: LiveDelivery | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Its event’s ordering key, when its subscription orders by key (it is delivered in that key’s order); null: unordered',
  })
  orderingKey: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'ntf_01J…',
    description: 'While an ordered notification waits for its turn: the first pending notification of its key, which must end first; null otherwise',
  })
  waitsFor: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '4bf92f3577b34da6a3ce929d0e0e4736',
    description: 'The W3C trace ID of the publish that stored its event (tracing on, README: Tracing); null when untraced',
  })
  traceId: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'http://localhost:16686/trace/4bf92f3577b34da6a3ce929d0e0e4736',
    description: 'The trace in the tracing UI, when TRACE_URL_TEMPLATE is set and its event was traced; null otherwise',
  })
  traceUrl: string | null;

  @ApiProperty({ description: 'Its event was a test sent to one subscription (POST /webhooks/subscriptions/{id}/test)' })
  test: boolean;

  static from(
    notification: NotificationEntity,
    attempts: AttemptEntity[],
    subscriptionStatus: SubscriptionStatus | null,
    live: LiveDelivery | null = null,
    waitsFor: string | null = null,
    event: { traceId: string | null; traceUrlTemplate: string | null; test?: boolean } = { traceId: null, traceUrlTemplate: null },
  ): NotificationResponse {
    const held = notification.status === 'pending' && subscriptionStatus !== null && subscriptionStatus !== 'active' ? subscriptionStatus : null;
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
      policy: { ...notification.policy },
      attempts: attempts.map(AttemptResponse.from),
      temporal: live,
      orderingKey: notification.orderingKey,
      waitsFor,
      traceId: event.traceId,
      traceUrl: traceUrlOf(event.traceUrlTemplate, event.traceId),
      test: event.test ?? false,
    };
  }
}

/** The answer to a redelivery: the notification is pending again, with a new window. */
export class RedeliveryResponse {
  @ApiProperty({ example: 'ntf_01J…' })
  id: string;

  @ApiProperty({ enum: ['pending'] satisfies NotificationStatus[] })
  status: Extract<NotificationStatus, 'pending'>;

  @ApiProperty({ format: 'date-time', description: 'The new window’s end: DELIVERY_WINDOW from the redelivery' })
  expiresAt: string;

  @ApiProperty({ type: NotificationPolicy, description: 'The retry policy the redelivery runs under: the configuration of the process that accepted it' })
  policy: NotificationResponse['policy'];
}
