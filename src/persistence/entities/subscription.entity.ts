import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { BreakerState, DisabledReason, SubscriptionOrdering, SubscriptionStatus } from '../../domain/statuses';

@Entity('subscriptions')
export class SubscriptionEntity {
  @PrimaryColumn('text')
  id: string;

  @Column({ name: 'environment_id', type: 'text' })
  environmentId: string;

  @Column('text')
  url: string;

  @Column({ name: 'event_types', type: 'text', array: true })
  eventTypes: string[];

  @Column('text')
  status: SubscriptionStatus;

  @Column({ name: 'disabled_reason', type: 'text', nullable: true })
  disabledReason: DisabledReason | null;

  /** The first failed attempt since the last 2xx; null while healthy. Auto-disable counts from here. */
  @Column({ name: 'failing_since', type: 'timestamptz', nullable: true })
  failingSince: Date | null;

  /** Deliveries a second; null: the platform's default; 0: no limit. */
  @Column({ name: 'rate_limit', type: 'double precision', nullable: true })
  rateLimit: number | null;

  /** Attempts in flight at once; null: the platform's default; 0: no cap. */
  @Column({ name: 'max_in_flight', type: 'integer', nullable: true })
  maxInFlight: number | null;

  @Column({ name: 'breaker_state', type: 'text' })
  breakerState: BreakerState;

  /** Until when the breaker is open (or the probe's lease, half-open); null when closed. */
  @Column({ name: 'breaker_until', type: 'timestamptz', nullable: true })
  breakerUntil: Date | null;

  @Column({ name: 'consecutive_failures', type: 'integer' })
  consecutiveFailures: number;

  /** `key`: its notifications of one ordering key are delivered one after the other (issue 22); `none` by default. */
  @Column('text')
  ordering: SubscriptionOrdering;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt: Date | null;
}
