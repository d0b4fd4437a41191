import { Inject, Injectable } from '@nestjs/common';
import { CONFIG } from '../config/injection';
import { type Config, deliveryPolicyOf } from '../config/config';
import { eventDataJson } from '../domain/event-data';
import { EventSchemas } from '../event-types/event-schemas';
import { notFound, validationError } from '../domain/errors';
import { isId, newId } from '../domain/ids';
import { EventRepository, type NewEvent } from '../persistence/repositories/event.repository';
import { NotificationRepository } from '../persistence/repositories/notification.repository';
import { Metrics } from '../observability/metrics';
import { activeTraceId, inSpan } from '../observability/tracing';
import { NotificationDispatcher } from '../outbox/notification-dispatcher';
import {
  EventResponse,
  type ListEventNotificationsQuery,
  NOTIFICATIONS_PAGE_MAX,
  NotificationPage,
  type PublishEventRequest,
  PublishedEventResponse,
} from './event.dto';
import type { EventEntity } from '../persistence/entities';
import { initialDispatches } from './initial-dispatches';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

@Injectable()
export class EventsService {
  constructor(
    private readonly events: EventRepository,
    private readonly notifications: NotificationRepository,
    private readonly dispatcher: NotificationDispatcher,
    private readonly schemas: EventSchemas,
    private readonly metrics: Metrics,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /**
   * Stores the event with one notification per matching subscription (atomically: the stored notifications are
   * the outbox) and answers once that commit is durable. Their workflows' starts begin at once, in the background,
   * in the dispatcher's bounded queue: a publish never waits behind other publishes' starts. A start that fails, or
   * that finds the queue full, leaves its outbox row undispatched and OutboxRelay starts it later: an accepted
   * event is never lost.
   * `bodyText` is the request body as sent: `data` is stored as its exact text, never re-serialised. A declared
   * type's data must match its schema, and an archived type is refused (422, nothing stored).
   * A type this process knows is checked here and the event stored in one statement, on condition that the type is
   * still at the version checked against; the type's lookup comes first only for a type not known here, for data that
   * fails the check held here (a 422 only if that version is still current), or when the condition finds it changed.
   */
  async publish(environmentId: string, request: PublishEventRequest, bodyText: string, idempotencyKey?: string): Promise<PublishedEventResponse> {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw validationError('Idempotency-Key must be 1-255 printable ASCII characters');
    }
    const input: NewEvent = {
      id: newId('evt'),
      environmentId,
      type: request.type,
      dataJson: eventDataJson(bodyText),
      idempotencyKey: idempotencyKey ?? null,
      orderingKey: request.orderingKey ?? null,
      policy: deliveryPolicyOf(this.config.delivery),
      windowMs: this.config.delivery.windowMs,
      // Tracing on: the commit is a span of the publish's trace, and the event keeps the trace's ID.
      traceId: activeTraceId(),
    };
    const checked = this.schemas.checkedVersion(request.type, request.data);
    let stored = checked && (await this.commit(input, () => this.events.insertIfTypeAt(input, checked.version)));
    if (!stored) {
      await this.schemas.checkPublish(request.type, request.data);
      stored = await this.commit(input, () => this.events.insertWithNotifications(input));
    }
    const { event, notifications } = stored;
    if (stored.created) this.metrics.published(notifications.length);
    if (stored.created && notifications.length > 0) {
      this.dispatcher.startInBackground(initialDispatches(event, notifications));
    }
    return PublishedEventResponse.from(event, notifications.length);
  }

  private commit<T>(input: NewEvent, insert: () => Promise<T>): Promise<T> {
    return inSpan('outbox commit', { 'plude.environment_id': input.environmentId }, insert);
  }

  /** The EventResponse's JSON text (see EventResponse.json), with the first page of its notifications. */
  async get(environmentId: string, id: string): Promise<string> {
    const event = await this.find(environmentId, id);
    return EventResponse.json(event, await this.notificationPage(event.id, NOTIFICATIONS_PAGE_MAX), this.config.tracing.urlTemplate);
  }

  /** A page of the event's notifications, by ID, after the cursor. */
  async notificationsOf(environmentId: string, id: string, query: ListEventNotificationsQuery): Promise<NotificationPage> {
    if (query.after !== undefined && !isId('ntf', query.after)) {
      throw validationError('after must be a notification ID (the nextCursor of the previous page)');
    }
    const event = await this.find(environmentId, id);
    return this.notificationPage(event.id, query.limit ?? NOTIFICATIONS_PAGE_MAX, query.after);
  }

  private async notificationPage(eventId: string, limit: number, after?: string): Promise<NotificationPage> {
    return NotificationPage.of(await this.notifications.findPageByEvent(eventId, limit + 1, after), limit);
  }

  private async find(environmentId: string, id: string): Promise<EventEntity> {
    const event = isId('evt', id) ? await this.events.findInEnvironment(environmentId, id) : null;
    if (!event) throw notFound('event', id);
    return event;
  }
}
