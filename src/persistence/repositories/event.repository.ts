import type { DataSource } from 'typeorm';
import { EventEntity } from '../entities';

export interface NewEvent {
  id: string;
  environmentId: string;
  type: string;
  data: unknown;
  idempotencyKey: string | null;
  /** One notification per matching subscription, IDs chosen by the caller. */
  notifications: { id: string; subscriptionId: string }[];
}

export interface StoredEvent {
  event: EventEntity;
  notificationCount: number;
  /** false when the idempotency key named an event that already existed: nothing new was stored. */
  created: boolean;
}

interface EventRow {
  id: string;
  environment_id: string;
  type: string;
  data: unknown;
  idempotency_key: string | null;
  created_at: Date;
}

const toEntity = (row: EventRow): EventEntity =>
  Object.assign(new EventEntity(), {
    id: row.id,
    environmentId: row.environment_id,
    type: row.type,
    data: row.data,
    idempotencyKey: row.idempotency_key,
    createdAt: row.created_at,
  });

export class EventRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Stores the event and its notifications in one statement (atomic, one round trip). With an idempotency key
   * that is already taken nothing is stored and the original event is returned instead.
   */
  async insertWithNotifications(input: NewEvent): Promise<StoredEvent> {
    const rows = (await this.db.query(
      `WITH event AS (
         INSERT INTO events (id, environment_id, type, data, idempotency_key)
         VALUES ($1, $2, $3, $4::jsonb, $5)
         ON CONFLICT (environment_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
         RETURNING *
       ), notification AS (
         INSERT INTO notifications (id, event_id, subscription_id, environment_id, created_at)
         SELECT n.id, event.id, n.subscription_id, event.environment_id, event.created_at
         FROM event, unnest($6::text[], $7::text[]) AS n (id, subscription_id)
         RETURNING 1
       )
       SELECT event.*, (SELECT count(*) FROM notification)::int AS notification_count FROM event`,
      [
        input.id,
        input.environmentId,
        input.type,
        JSON.stringify(input.data),
        input.idempotencyKey,
        input.notifications.map((n) => n.id),
        input.notifications.map((n) => n.subscriptionId),
      ],
    )) as (EventRow & { notification_count: number })[];
    if (rows.length > 0) {
      return { event: toEntity(rows[0]), notificationCount: rows[0].notification_count, created: true };
    }
    const existing = await this.findByIdempotencyKey(input.environmentId, input.idempotencyKey as string);
    if (!existing) throw new Error(`event with idempotency key ${input.idempotencyKey} vanished`);
    return { ...existing, created: false };
  }

  async findByIdempotencyKey(environmentId: string, key: string): Promise<Omit<StoredEvent, 'created'> | null> {
    const rows = (await this.db.query(
      `SELECT e.*, (SELECT count(*) FROM notifications n WHERE n.event_id = e.id)::int AS notification_count
       FROM events e WHERE e.environment_id = $1 AND e.idempotency_key = $2`,
      [environmentId, key],
    )) as (EventRow & { notification_count: number })[];
    return rows[0] ? { event: toEntity(rows[0]), notificationCount: rows[0].notification_count } : null;
  }

  async findInEnvironment(environmentId: string, id: string): Promise<EventEntity | null> {
    return this.db.getRepository(EventEntity).findOneBy({ id, environmentId });
  }
}
