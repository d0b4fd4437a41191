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

  async subscriptionStatusOf(subscriptionId: string): Promise<string | null> {
    const rows = (await this.db.query(`SELECT status FROM subscriptions WHERE id = $1`, [subscriptionId])) as { status: string }[];
    return rows[0]?.status ?? null;
  }

  /** IDs of a subscription's pending notifications (held ones among them). */
  async pendingIdsOf(subscriptionId: string): Promise<string[]> {
    const rows = (await this.db.query(`SELECT id FROM notifications WHERE subscription_id = $1 AND status = 'pending' ORDER BY id`, [subscriptionId])) as {
      id: string;
    }[];
    return rows.map((row) => row.id);
  }

  /** How many notifications are pending (held ones among them): the partial index on pending rows answers it. */
  async countPending(): Promise<number> {
    const [{ count }] = (await this.db.query(`SELECT count(*)::int AS count FROM notifications WHERE status = 'pending'`)) as { count: number }[];
    return count;
  }

  async findAttempts(notificationId: string): Promise<AttemptEntity[]> {
    return this.db.getRepository(AttemptEntity).find({ where: { notificationId }, order: { number: 'ASC' } });
  }

  /** Records that these notifications' workflows exist, so recovery no longer needs to start them. */
  async markDispatched(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.query(`UPDATE notifications SET dispatched_at = now() WHERE id = ANY ($1::text[]) AND dispatched_at IS NULL`, [ids]);
  }

  /** The database's clock: claims are compared with it, never with this process's. */
  async databaseNow(): Promise<Date> {
    const [{ now }] = (await this.db.query(`SELECT now() AS now`)) as { now: Date }[];
    return now;
  }

  /**
   * Claims up to `limit` notifications stored more than `olderThanMs` ago whose workflow start was never confirmed
   * (the outbox) and that nobody has claimed since `notClaimedSince`: each for `leaseMs`, oldest first. Rows that
   * another process is claiming right now are skipped, not waited for, so concurrent claimers never get the same row.
   */
  async claimUndispatched(claim: { olderThanMs: number; notClaimedSince: Date; leaseMs: number; limit: number }): Promise<NotificationDispatch[]> {
    const [rows] = (await this.db.query(
      `UPDATE notifications n SET dispatch_claimed_until = now() + make_interval(secs => $3::float8 / 1000)
       FROM events e
       WHERE e.id = n.event_id AND n.id IN (
         SELECT id FROM notifications
         WHERE dispatched_at IS NULL AND created_at < now() - make_interval(secs => $1::float8 / 1000)
           AND (dispatch_claimed_until IS NULL OR dispatch_claimed_until < $2)
         ORDER BY created_at LIMIT $4
         FOR UPDATE SKIP LOCKED)
       RETURNING n.id, n.subscription_id, n.environment_id, n.event_id, e.type, e.created_at, n.expires_at,
                 n.retry_initial_interval_ms, n.retry_maximum_interval_ms, n.retry_backoff_coefficient, n.attempt_timeout_ms`,
      [claim.olderThanMs, claim.notClaimedSince, claim.leaseMs, claim.limit],
    )) as [DispatchRow[], number];
    return rows.map(toDispatch);
  }
}
