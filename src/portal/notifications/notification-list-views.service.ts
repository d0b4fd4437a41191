import { Injectable } from '@nestjs/common';
import { EventTypesService } from '../../event-types/event-types.service';
import { ListNotificationsQuery, type NotificationListPage } from '../../notifications/notification-list.dto';
import { NotificationsService } from '../../notifications/notifications.service';
import { SubscriptionsService } from '../../subscriptions/subscriptions.service';
import { checkedRequest } from '../form-input';
import type { ListPlace } from './list-paging';
import type { NotificationFilters, NotificationsPageProps } from './notifications-page';

/** A page of the list holds this many notifications. */
export const LIST_PAGE_SIZE = 50;
/** The subscriptions the filter and the test form offer: the first page, as the subscriptions page lists them. */
const SUBSCRIPTIONS_OFFERED = 100;

/** The filters as GET /notifications takes them (an empty field: no filter). */
const queryOf = (filters: NotificationFilters, place: ListPlace) => ({
  ...(filters.status ? { status: filters.status } : {}),
  ...(filters.eventType ? { eventType: filters.eventType } : {}),
  ...(filters.subscriptionId ? { subscriptionId: filters.subscriptionId } : {}),
  ...(place.after !== undefined ? { after: place.after } : {}),
  limit: LIST_PAGE_SIZE,
});

/** What the notifications list shows, read through the API's own services (the list's query checked by its own DTO rules). */
@Injectable()
export class NotificationListViews {
  constructor(
    private readonly notifications: NotificationsService,
    private readonly subscriptions: SubscriptionsService,
    private readonly eventTypes: EventTypesService,
  ) {}

  /** The choices the filters and the test form offer: the environment's subscriptions, the catalog's live types. */
  async choices(environmentId: string): Promise<Pick<NotificationsPageProps, 'subscriptions' | 'eventTypes'>> {
    const [subscriptions, catalog] = await Promise.all([this.subscriptions.list(environmentId, { limit: SUBSCRIPTIONS_OFFERED }), this.eventTypes.list()]);
    const eventTypes = catalog.items.filter((type) => !type.archived).map((type) => ({ name: type.name, hasExample: type.example !== null }));
    return { subscriptions: subscriptions.items.map(({ id, url }) => ({ id, url })), eventTypes };
  }

  /** A page of the list, newest first; filters the API refuses are a validation error (its message). */
  async page(environmentId: string, filters: NotificationFilters, place: ListPlace): Promise<{ page: NotificationListPage }> {
    const query = await checkedRequest(ListNotificationsQuery, queryOf(filters, place));
    return { page: await this.notifications.list(environmentId, query) };
  }
}
