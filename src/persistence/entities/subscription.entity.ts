import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { DisabledReason, SubscriptionStatus } from '../../domain/statuses';

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

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt: Date | null;
}
