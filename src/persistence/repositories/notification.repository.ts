import type { DataSource } from 'typeorm';
import type { DeliveryPolicy } from '../../domain/retry-schedule';
import { AttemptEntity, NotificationEntity } from '../entities';

/** What it takes to start a notification's workflow. */
export interface NotificationDispatch {
  notificationId: string;
  subscriptionId: string;
  environmentId: string;
  eventId: string;
  eventType: string;
  eventCreatedAt: Date;
  expiresAt: Date;
  /** The policy stored with the notification when it was created. */
  policy: DeliveryPolicy;
}

interface DispatchRow {
  id: string;
  subscription_id: string;
  environment_id: string;
  event_id: string;
  type: string;
  created_at: Date;
  expires_at: Date;
  retry_initial_interval_ms: number;
  retry_maximum_interval_ms: number;
  retry_backoff_coefficient: number;
  attempt_timeout_ms: number;
}

const toDispatch = (row: DispatchRow): NotificationDispatch => ({
  notificationId: row.id,
  subscriptionId: row.subscription_id,
  environmentId: row.environment_id,
  eventId: row.event_id,
  eventType: row.type,
  eventCreatedAt: row.created_at,
  expiresAt: row.expires_at,
  policy: {
    initialIntervalMs: row.retry_initial_interval_ms,
    maximumIntervalMs: row.retry_maximum_interval_ms,
    backoffCoefficient: row.retry_backoff_coefficient,
    attemptTimeoutMs: row.attempt_timeout_ms,
  },
});

export class NotificationRepository {
  constructor(private readonly db: DataSource) {}

  async findInEnvironment(environmentId: string, id: string): Promise<NotificationEntity | null> {
    return this.db.getRepository(NotificationEntity).findOneBy({ id, environmentId });
  }

  async findByEvent(eventId: string): Promise<NotificationEntity[]> {
    return this.db.getRepository(NotificationEntity).find({ where: { eventId }, order: { id: 'ASC' } });
  }

  async findAttempts(notificationId: string): Promise<AttemptEntity[]> {
    return this.db.getRepository(AttemptEntity).find({ where: { notificationId }, order: { number: 'ASC' } });
  }

  /** Records that these notifications' workflows exist, so recovery no longer needs to start them. */
  async markDispatched(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.query(`UPDATE notifications SET dispatched_at = now() WHERE id = ANY ($1::text[]) AND dispatched_at IS NULL`, [ids]);
  }

  /** Notifications stored more than `olderThanMs` ago whose workflow start was never confirmed (the outbox). */
  async findUndispatched(olderThanMs: number, limit: number): Promise<NotificationDispatch[]> {
    const rows = (await this.db.query(
      `SELECT n.id, n.subscription_id, n.environment_id, n.event_id, e.type, e.created_at, n.expires_at,
              n.retry_initial_interval_ms, n.retry_maximum_interval_ms, n.retry_backoff_coefficient, n.attempt_timeout_ms
       FROM notifications n JOIN events e ON e.id = n.event_id
       WHERE n.dispatched_at IS NULL AND n.created_at < now() - make_interval(secs => $1::float8 / 1000)
       ORDER BY n.created_at LIMIT $2`,
      [olderThanMs, limit],
    )) as DispatchRow[];
    return rows.map(toDispatch);
  }
}
