import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { NotificationStatus } from '../../domain/statuses';
import type { DeliveryPolicy } from '../../domain/retry-schedule';
import { POLICY_COLUMNS } from '../policy-columns';

/** The delivery policy's columns (src/persistence/policy-columns.ts), embedded in the notification. */
export class PolicyColumns implements DeliveryPolicy {
  @Column({ name: POLICY_COLUMNS.initialIntervalMs, type: 'integer' })
  initialIntervalMs: number;

  @Column({ name: POLICY_COLUMNS.maximumIntervalMs, type: 'integer' })
  maximumIntervalMs: number;

  @Column({ name: POLICY_COLUMNS.backoffCoefficient, type: 'double precision' })
  backoffCoefficient: number;

  @Column({ name: POLICY_COLUMNS.attemptTimeoutMs, type: 'integer' })
  attemptTimeoutMs: number;
}

/** One event for one subscription: delivered by exactly one Temporal workflow whose ID is this notification's ID. */
@Entity('notifications')
export class NotificationEntity {
  @PrimaryColumn('text')
  id: string;

  @Column({ name: 'event_id', type: 'text' })
  eventId: string;

  @Column({ name: 'subscription_id', type: 'text' })
  subscriptionId: string;

  /** Its event's type, copied at insert (the event-type filter's index); null only if a previous release stored it. */
  @Column({ name: 'event_type', type: 'text', nullable: true })
  eventType: string | null;

  @Column({ name: 'environment_id', type: 'text' })
  environmentId: string;

  /**
   * The subscription's URL when the notification was created (its host names the workflow in the Web UI). Attempts
   * go to the subscription's current URL, and each attempt records the one it used.
   */
  @Column('text')
  url: string;

  @Column('text')
  status: NotificationStatus;

  @Column({ name: 'attempt_count', type: 'integer' })
  attemptCount: number;

  @Column({ name: 'last_attempt_at', type: 'timestamptz', nullable: true })
  lastAttemptAt: Date | null;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt: Date | null;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  @Column({ name: 'dispatched_at', type: 'timestamptz', nullable: true })
  dispatchedAt: Date | null;

  /** Until when a recovery pass holds this outbox row (src/outbox/outbox-relay.ts). */
  @Column({ name: 'dispatch_claimed_until', type: 'timestamptz', nullable: true })
  dispatchClaimedUntil: Date | null;

  /** While an attempt's POST may be in flight: until then a delete of the subscription waits for it. */
  @Column({ name: 'attempt_in_flight_until', type: 'timestamptz', nullable: true })
  attemptInFlightUntil: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** The last time it was redelivered (it got a new window, and its workflow a new run); null if never. */
  @Column({ name: 'redelivered_at', type: 'timestamptz', nullable: true })
  redeliveredAt: Date | null;

  /**
   * Its event's ordering key, when its subscription ordered by key at the publish (null otherwise: unordered), and its
   * place in that key: taken from the key's counter when the publish (or a redelivery) committed.
   */
  @Column({ name: 'ordering_key', type: 'text', nullable: true })
  orderingKey: string | null;

  @Column({ name: 'ordering_seq', type: 'bigint', nullable: true })
  orderingSeq: string | null;

  /** The event's creation plus the delivery window at the time the notification was created. */
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  /** The delivery policy it was created (or last redelivered) with, and keeps. */
  @Column(() => PolicyColumns, { prefix: false })
  policy: PolicyColumns;
}
