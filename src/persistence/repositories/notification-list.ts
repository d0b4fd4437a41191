import type { DataSource, SelectQueryBuilder } from 'typeorm';
import type { NotificationStatus } from '../../domain/statuses';
import { NotificationEntity } from '../entities';

/** What GET /notifications filters on: each one optional; an environment's notifications only, always. */
export interface NotificationListFilter {
  status?: NotificationStatus;
  eventType?: string;
  subscriptionId?: string;
}

/** A listed notification, with what the list shows of its event. */
export interface ListedNotification {
  notification: NotificationEntity;
  /** Its event's type (the event's own, should the notification predate its copy). */
  eventType: string;
  /** Its event was a test sent to one subscription. */
  test: boolean;
}

/**
 * A page of an environment's notifications, newest first (IDs are time-sortable), before the cursor `before` (the
 * last ID of the previous page). Each filter has an index that ends with the ID (migration 1765610000000), so that
 * the page is read from an index whichever filters are given: a range read backwards, or for two or three filters
 * the intersection of two (a bitmap), sorted. The query reads notifications alone; their events are read by key.
 */
export function notificationListQuery(
  db: DataSource,
  environmentId: string,
  filter: NotificationListFilter,
  limit: number,
  before?: string,
): SelectQueryBuilder<NotificationEntity> {
  const query = db.getRepository(NotificationEntity).createQueryBuilder('n').where('n.environmentId = :environmentId', { environmentId });
  if (filter.status !== undefined) query.andWhere('n.status = :status', { status: filter.status });
  if (filter.eventType !== undefined) query.andWhere('n.eventType = :eventType', { eventType: filter.eventType });
  if (filter.subscriptionId !== undefined) query.andWhere('n.subscriptionId = :subscriptionId', { subscriptionId: filter.subscriptionId });
  if (before !== undefined) query.andWhere('n.id < :before', { before });
  return query.orderBy('n.id', 'DESC').limit(limit);
}

/** The page (notificationListQuery), then what the list shows of its events, by their primary key. */
export async function listNotifications(
  db: DataSource,
  environmentId: string,
  filter: NotificationListFilter,
  limit: number,
  before?: string,
): Promise<ListedNotification[]> {
  const notifications = await notificationListQuery(db, environmentId, filter, limit, before).getMany();
  if (notifications.length === 0) return [];
  const events = await db.query<{ id: string; type: string; test: boolean }[]>(`SELECT id, type, test FROM events WHERE id = ANY ($1::text[])`, [
    [...new Set(notifications.map((n) => n.eventId))],
  ]);
  const byId = new Map(events.map((event) => [event.id, event]));
  return notifications.map((notification) => {
    const event = byId.get(notification.eventId);
    return { notification, eventType: notification.eventType ?? event?.type ?? '', test: event?.test ?? false };
  });
}
