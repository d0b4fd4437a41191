import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('events')
export class EventEntity {
  @PrimaryColumn('text')
  id: string;

  @Column({ name: 'environment_id', type: 'text' })
  environmentId: string;

  @Column('text')
  type: string;

  @Column('jsonb')
  data: unknown;

  @Column({ name: 'idempotency_key', type: 'text', nullable: true })
  idempotencyKey: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
