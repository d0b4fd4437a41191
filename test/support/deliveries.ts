import type { ApiClient, ApiResponse } from './api-client';
import { waitFor, type WaitOptions } from './wait';

interface EventNotification {
  id: string;
  status: string;
}

/** GET /events/:id once the event has notifications and every one of them succeeded; fails naming the event otherwise. */
export function deliveredEvent(api: ApiClient, eventId: string, options: WaitOptions = {}): Promise<ApiResponse> {
  return waitFor(
    () => api.request('GET', `/events/${eventId}`),
    (r) => {
      const notifications = (r.body?.notifications ?? []) as EventNotification[];
      return notifications.length > 0 && notifications.every((n) => n.status === 'succeeded');
    },
    { what: `every notification of ${eventId} succeeded`, ...options },
  );
}

/**
 * Publishes `data` as `type` (answered 202) and waits until every notification of the event succeeded: the tests'
 * one "publish and wait until delivered". Returns the publish's answer, the event as GET /events/:id shows it
 * then, and its notifications' IDs.
 */
export async function publishDelivered(api: ApiClient, type: string, data: unknown, options: WaitOptions = {}) {
  const published = await api.publish(type, data);
  if (published.status !== 202) throw new Error(`publishing ${type} answered ${published.status}: ${JSON.stringify(published.body)}`);
  const event = await deliveredEvent(api, published.body.id, options);
  const notificationIds = (event.body.notifications as EventNotification[]).map((n) => n.id);
  return { published, event, notificationId: notificationIds[0], notificationIds };
}
