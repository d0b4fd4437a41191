import type { DataSource } from 'typeorm';
import type { NotificationStatus, SubscriptionStatus } from '../../domain/statuses';
import { AttemptEntity, NotificationEntity } from '../entities';
import { type ListedNotification, listNotifications, type NotificationListFilter } from './notification-list';

export class NotificationRepository {
  constructor(private readonly db: DataSource) {}

  async findInEnvironment(environmentId: string, id: string): Promise<NotificationEntity | null> {
    return this.db.getRepository(NotificationEntity).findOneBy({ id, environmentId });
  }

  /** What the notification shows of its event: its trace ID (issue 24; null when untraced), and whether it was a test. */
  async eventOf(eventId: string): Promise<{ traceId: string | null; test: boolean }> {
    const rows = await this.db.query<{ trace_id: string | null; test: boolean }[]>(`SELECT trace_id, test FROM events WHERE id = $1`, [eventId]);
    return { traceId: rows[0]?.trace_id ?? null, test: rows[0]?.test ?? false };
  }

  /** A page of the environment's notifications, newest first, before the cursor (an ID) if given (notification-list.ts). */
  async listInEnvironment(environmentId: string, filter: NotificationListFilter, limit: number, before?: string): Promise<ListedNotification[]> {
    return listNotifications(this.db, environmentId, filter, limit, before);
  }

  /** A page of an event's notifications, by ID, after the cursor (an ID) if given. */
  async findPageByEvent(eventId: string, limit: number, after?: string): Promise<NotificationEntity[]> {
    return this.db
      .getRepository(NotificationEntity)
      .createQueryBuilder('n')
      .where('n.eventId = :eventId', { eventId })
      .andWhere(after === undefined ? 'TRUE' : 'n.id > :after', { after })
      .orderBy('n.id', 'ASC')
      .limit(limit)
      .getMany();
  }

  async subscriptionStatusOf(subscriptionId: string): Promise<SubscriptionStatus | null> {
    const rows = await this.db.query<{ status: SubscriptionStatus }[]>(`SELECT status FROM subscriptions WHERE id = $1`, [subscriptionId]);
    return rows[0]?.status ?? null;
  }

  /** A page of the IDs of a subscription's pending notifications (held ones among them), by ID after the cursor. */
  async pendingIdsPage(subscriptionId: string, after: string | null, limit: number): Promise<string[]> {
    const rows = await this.db.query<{ id: string }[]>(
      `SELECT id FROM notifications WHERE subscription_id = $1 AND status = 'pending' AND ($2::text IS NULL OR id > $2) ORDER BY id LIMIT $3`,
      [subscriptionId, after, limit],
    );
    return rows.map((row) => row.id);
  }

  /** Whether an attempt of any of these notifications may still be in flight (started, not yet recorded, not timed out). */
  /** Whether an attempt of one of the subscription's notifications is still in flight (it has not been recorded). */
  async anyAttemptInFlight(subscriptionId: string): Promise<boolean> {
    const rows = await this.db.query<{ id: string }[]>(`SELECT id FROM notifications WHERE subscription_id = $1 AND attempt_in_flight_until > now() LIMIT 1`, [
      subscriptionId,
    ]);
    return rows.length > 0;
  }

  /**
   * A page of the IDs of the notifications a deleted subscription's delete cancelled (those that ended as cancelled
   * once it was deleted), by ID after the cursor: their workflows are cancelled a page at a time.
   */
  async cancelledByDeletePage(subscriptionId: string, after: string | null, limit: number): Promise<string[]> {
    const rows = await this.db.query<{ id: string }[]>(
      `SELECT n.id FROM notifications n JOIN subscriptions s ON s.id = n.subscription_id
       WHERE n.subscription_id = $1 AND n.status = 'cancelled' AND s.deleted_at IS NOT NULL AND n.completed_at >= s.deleted_at
         AND ($2::text IS NULL OR n.id > $2)
       ORDER BY n.id LIMIT $3`,
      [subscriptionId, after, limit],
    );
    return rows.map((row) => row.id);
  }

  /** How many notifications are pending (held ones among them): the partial index on pending rows answers it. */
  async countPending(): Promise<number> {
    const [{ count }] = await this.db.query<{ count: number }[]>(`SELECT count(*)::int AS count FROM notifications WHERE status = 'pending'`);
    return count;
  }

  /**
   * Ends a pending notification as `skipped` (an operator's skip). Returns whether this call skipped it and its status
   * now (the final status it already had, when it had one), or null when the environment has no such notification.
   */
  async skip(environmentId: string, id: string): Promise<{ skipped: boolean; status: NotificationStatus } | null> {
    const rows = await this.db.query<{ skipped: boolean; status: NotificationStatus }[]>(
      `WITH skipped AS (
         UPDATE notifications SET status = 'skipped', completed_at = now(), next_attempt_at = NULL
         WHERE id = $1 AND environment_id = $2 AND status = 'pending'
         RETURNING status)
       SELECT true AS skipped, status FROM skipped
       UNION ALL
       SELECT false, status FROM notifications WHERE id = $1 AND environment_id = $2 AND NOT EXISTS (SELECT 1 FROM skipped)`,
      [id, environmentId],
    );
    return rows[0] ?? null;
  }

  /**
   * An ordering key of a subscription (issue 22): its head, the pending notification with the earliest place (the
   * one being delivered; every other pending one waits for it), and how many pending ones wait behind it.
   */
  async orderingOf(subscriptionId: string, orderingKey: string): Promise<{ head: NotificationEntity | null; waiting: number }> {
    const [{ head_id: headId, pending }] = await this.db.query<{ head_id: string | null; pending: number }[]>(
      `SELECT (SELECT id FROM notifications WHERE subscription_id = $1 AND ordering_key = $2 AND status = 'pending'
                ORDER BY ordering_seq LIMIT 1) AS head_id,
              (SELECT count(*)::int FROM notifications WHERE subscription_id = $1 AND ordering_key = $2 AND status = 'pending') AS pending`,
      [subscriptionId, orderingKey],
    );
    const head = headId === null ? null : await this.db.getRepository(NotificationEntity).findOneBy({ id: headId });
    return { head, waiting: Math.max(0, pending - 1) };
  }

  /** A pending ordered notification's wait: the first pending notification of its key before it (null: its turn). */
  async waitsFor(notification: NotificationEntity): Promise<string | null> {
    if (notification.status !== 'pending' || notification.orderingKey === null) return null;
    const rows = await this.db.query<{ id: string }[]>(
      `SELECT id FROM notifications WHERE subscription_id = $1 AND ordering_key = $2 AND status = 'pending' AND ordering_seq < $3
       ORDER BY ordering_seq LIMIT 1`,
      [notification.subscriptionId, notification.orderingKey, notification.orderingSeq],
    );
    return rows[0]?.id ?? null;
  }

  async findAttempts(notificationId: string): Promise<AttemptEntity[]> {
    return this.db.getRepository(AttemptEntity).find({ where: { notificationId }, order: { number: 'ASC' } });
  }
}
