import type { DataSource, SelectQueryBuilder } from 'typeorm';
import type { NotificationStatus } from '../../domain/statuses';
import { EventEntity, NotificationEntity } from '../entities';

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
 * the page is a range of one index read backwards, whichever filters are given; the event is joined by its key for
 * the page's rows only.
 */
export function notificationListQuery(
  db: DataSource,
  environmentId: string,
  filter: NotificationListFilter,
  limit: number,
  before?: string,
): SelectQueryBuilder<NotificationEntity> {
  const query = db
    .getRepository(NotificationEntity)
    .createQueryBuilder('n')
    .innerJoin(EventEntity, 'e', 'e.id = n.eventId')
    .addSelect('COALESCE(n.event_type, e.type)', 'listed_event_type')
    .addSelect('e.test', 'listed_test')
    .where('n.environmentId = :environmentId', { environmentId });
  if (filter.status !== undefined) query.andWhere('n.status = :status', { status: filter.status });
  if (filter.eventType !== undefined) query.andWhere('n.eventType = :eventType', { eventType: filter.eventType });
  if (filter.subscriptionId !== undefined) query.andWhere('n.subscriptionId = :subscriptionId', { subscriptionId: filter.subscriptionId });
  if (before !== undefined) query.andWhere('n.id < :before', { before });
  return query.orderBy('n.id', 'DESC').limit(limit);
}

export async function listNotifications(
  db: DataSource,
  environmentId: string,
  filter: NotificationListFilter,
  limit: number,
  before?: string,
): Promise<ListedNotification[]> {
  const { entities, raw } = await notificationListQuery(db, environmentId, filter, limit, before).getRawAndEntities<{
    n_id: string;
    listed_event_type: string;
    listed_test: boolean;
  }>();
  const byId = new Map(raw.map((row) => [row.n_id, row]));
  return entities.map((notification) => {
    const row = byId.get(notification.id);
    return { notification, eventType: row?.listed_event_type ?? notification.eventType ?? '', test: row?.listed_test ?? false };
  });
}
