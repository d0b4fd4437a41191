import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One HTTP POST of a notification, successful or not. */
@Entity('attempts')
export class AttemptEntity {
  @PrimaryColumn('text')
  id: string;

  @Column({ name: 'notification_id', type: 'text' })
  notificationId: string;

  @Column('integer')
  number: number;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt: Date;

  @Column({ name: 'ended_at', type: 'timestamptz' })
  endedAt: Date;

  @Column({ name: 'duration_ms', type: 'integer' })
  durationMs: number;

  @Column({ name: 'status_code', type: 'integer', nullable: true })
  statusCode: number | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ name: 'response_body', type: 'text', nullable: true })
  responseBody: string | null;

  @Column('boolean')
  succeeded: boolean;
}
