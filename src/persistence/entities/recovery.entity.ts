import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RecoveryStatus } from '../../domain/statuses';

/** A recovery of one subscription's notifications over a time range (workflows/recover-subscription.ts). */
@Entity('recoveries')
export class RecoveryEntity {
  @PrimaryColumn('text')
  id: string;

  @Column({ name: 'environment_id', type: 'text' })
  environmentId: string;

  @Column({ name: 'subscription_id', type: 'text' })
  subscriptionId: string;

  /** From (inclusive) and until (exclusive): the events' creation times. */
  @Column({ name: 'range_start', type: 'timestamptz' })
  rangeStart: Date;

  @Column({ name: 'range_end', type: 'timestamptz' })
  rangeEnd: Date;

  /** `running` while its workflow redelivers; `completed` once every redelivery is started; `failed` if it never started. */
  @Column('text')
  status: RecoveryStatus;

  /** Notifications in the range that had not succeeded when the recovery was accepted. */
  @Column('integer')
  total: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;
}
