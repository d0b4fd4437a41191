import { Injectable } from '@nestjs/common';
import { DomainError } from '../../domain/errors';
import { EventsService } from '../../events/events.service';
import { NotificationsService } from '../../notifications/notifications.service';
import { SubscriptionsService } from '../../subscriptions/subscriptions.service';
import { memberText, prettyJson } from '../views/json-text';
import type { NotificationPageProps } from './notification-page';

/** What a notification's page shows, read through the API's own services, each scoped to the session's environment. */
@Injectable()
export class NotificationViews {
  constructor(
    private readonly notifications: NotificationsService,
    private readonly events: EventsService,
    private readonly subscriptions: SubscriptionsService,
  ) {}

  async load(environmentId: string, id: string): Promise<Pick<NotificationPageProps, 'notification' | 'event' | 'subscription'>> {
    const notification = await this.notifications.get(environmentId, id);
    const [eventJson, subscription] = await Promise.all([
      this.events.get(environmentId, notification.eventId),
      this.subscriptions.get(environmentId, notification.subscriptionId).catch((err: unknown) => {
        if (err instanceof DomainError && err.code === 'not_found') return null; // deleted since
        throw err;
      }),
    ]);
    // The event's answer is JSON text with its data spliced in as stored (EventResponse.json): the data is shown as
    // that text, indented, never re-serialised.
    const { type, erasedAt } = JSON.parse(eventJson) as { type: string; erasedAt: string | null };
    const event = { type, erasedAt, prettyData: prettyJson(memberText(eventJson, 'data') ?? 'null') };
    return { notification, event, subscription: subscription && { url: subscription.url, status: subscription.status } };
  }
}
