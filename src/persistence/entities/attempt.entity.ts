import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { DeliveryTrigger } from '../../domain/statuses';

/** One HTTP POST of a notification, successful or not. */
@Entity('attempts')
export class AttemptEntity {
  @PrimaryColumn('text')
  id: string;

  @Column({ name: 'notification_id', type: 'text' })
  notificationId: string;

  @Column('integer')
  number: number;

  /** Where the POST went: the subscription's URL when the attempt started. */
  @Column('text')
  url: string;

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

  /** What the receiver asked for with Retry-After on a 429 or 503, in milliseconds. */
  @Column({
    name: 'retry_after_ms',
    type: 'bigint',
    nullable: true,
    transformer: { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) },
  })
  retryAfterMs: number | null;

  /** When the next attempt was planned to start, as this attempt's failure decided; null after a success or the last one. */
  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt: Date | null;

  /**
   * The headers the POST carried (header name to value, the signature included), as the sender was given them; null
   * for the attempts recorded before this column existed.
   */
  @Column({ name: 'request_headers', type: 'jsonb', nullable: true })
  requestHeaders: Record<string, string> | null;

  /** What made the attempt: the event's publish (`initial`) or a redelivery of the notification. */
  @Column('text')
  trigger: DeliveryTrigger;
}
