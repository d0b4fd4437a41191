import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('events')
export class EventEntity {
  @PrimaryColumn('text')
  id: string;

  @Column({ name: 'environment_id', type: 'text' })
  environmentId: string;

  @Column('text')
  type: string;

  /**
   * The publisher's exact JSON text of `data`: a `json` column keeps its input as it is (key order, whitespace,
   * escapes such as \u0000, which `jsonb` refuses). Read it as `data::text`: the pg driver would parse it into JS,
   * reordering integer-like keys and rounding integers beyond 2^53.
   */
  @Column({ name: 'data', type: 'json' })
  dataJson: string;

  @Column({ name: 'idempotency_key', type: 'text', nullable: true })
  idempotencyKey: string | null;

  /** The publisher's ordering key (issue 22): orders the notifications of subscriptions with `ordering: key`. */
  @Column({ name: 'ordering_key', type: 'text', nullable: true })
  orderingKey: string | null;

  /** The W3C trace ID of the publish that stored it (issue 24); null when that process did not trace it. */
  @Column({ name: 'trace_id', type: 'text', nullable: true })
  traceId: string | null;

  /** A test sent to one subscription (POST /webhooks/subscriptions/:id/test): its POSTs carry `webhook-test: true`. */
  @Column({ type: 'boolean', default: false })
  test: boolean;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** When its data was erased on request (DELETE /events/:id/data): `dataJson` is then the tombstone. */
  @Column({ name: 'erased_at', type: 'timestamptz', nullable: true })
  erasedAt: Date | null;
}
