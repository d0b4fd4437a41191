import { Inject, Injectable } from '@nestjs/common';
import { CONFIG } from '../config/injection';
import { type Config, deliveryPolicyOf } from '../config/config';
import { eventDataJson } from '../domain/event-data';
import { conflict, notFound } from '../domain/errors';
import { isId, newId } from '../domain/ids';
import { EventSchemas } from '../event-types/event-schemas';
import { Metrics } from '../observability/metrics';
import { NotificationDispatcher } from '../outbox/notification-dispatcher';
import { EventRepository } from '../persistence/repositories/event.repository';
import { SubscriptionRepository } from '../persistence/repositories/subscription.repository';
import { initialDispatches } from './initial-dispatches';
import type { SendTestEventRequest, TestEventResponse } from './test-event.dto';

/**
 * Test events (issue 25): an event of a chosen type, with its catalog example as data unless the request brings its
 * own, to one subscription only, marked as a test in the records (`events.test`) and in its POST (`webhook-test:
 * true`). It is published as any event is (one statement stores it with its notification: the outbox), and delivered
 * as any notification is: same workflow, retries, signature.
 */
@Injectable()
export class TestEventsService {
  constructor(
    private readonly events: EventRepository,
    private readonly subscriptions: SubscriptionRepository,
    private readonly dispatcher: NotificationDispatcher,
    private readonly schemas: EventSchemas,
    private readonly metrics: Metrics,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /**
   * `bodyText` is the request body as sent: data given is stored as its exact text. A subscription that is paused or
   * disabled is a 409 (its notification would be held): resume it first.
   */
  async send(environmentId: string, subscriptionId: string, request: SendTestEventRequest, bodyText: string): Promise<TestEventResponse> {
    const subscription = isId('sub', subscriptionId) ? await this.subscriptions.findLive(environmentId, subscriptionId) : null;
    if (!subscription) throw notFound('subscription', subscriptionId);
    if (subscription.status !== 'active') {
      throw conflict(`subscription ${subscriptionId} is ${subscription.status}: a test event would be held; resume it first (PATCH status active)`);
    }
    const dataJson = request.data === undefined ? await this.schemas.exampleOf(request.type) : eventDataJson(bodyText);
    await this.schemas.checkPublish(request.type, request.data ?? JSON.parse(dataJson));
    const { event, notifications } = await this.events.insertWithNotifications({
      id: newId('evt'),
      environmentId,
      type: request.type,
      dataJson,
      idempotencyKey: null,
      policy: deliveryPolicyOf(this.config.delivery),
      windowMs: this.config.delivery.windowMs,
      test: { subscriptionId },
    });
    // Deleted since it was read: the event is stored with no notification, as a publish that matched none.
    if (notifications.length === 0) throw notFound('subscription', subscriptionId);
    this.metrics.published(notifications.length);
    this.dispatcher.startInBackground(initialDispatches(event, notifications));
    return {
      eventId: event.id,
      notificationId: notifications[0].id,
      subscriptionId,
      type: event.type,
      createdAt: event.createdAt.toISOString(),
      test: true,
    };
  }
}
