import type { NotificationDispatch } from '../domain/delivery';
import type { EventEntity } from '../persistence/entities';
import type { StoredNotification } from '../persistence/repositories/event.repository';

/** The first deliveries of an event's stored notifications: what the dispatcher starts (or the outbox relay, later). */
export const initialDispatches = (event: EventEntity, notifications: StoredNotification[]): NotificationDispatch[] =>
  notifications.map((n) => ({
    notificationId: n.id,
    subscriptionId: n.subscriptionId,
    environmentId: event.environmentId,
    eventId: event.id,
    eventType: event.type,
    eventCreatedAt: event.createdAt,
    expiresAt: n.expiresAt,
    policy: n.policy,
    url: n.url,
    trigger: 'initial',
    ordered: n.ordered,
    traceId: event.traceId,
  }));
