import { Inject, Injectable } from '@nestjs/common';
import { CONFIG } from '../config/injection';
import { type Config, deliveryPolicyOf } from '../config/config';
import { liveDeliveryOf } from '../domain/delivery';
import { conflict, notFound, validationError } from '../domain/errors';
import { isId } from '../domain/ids';
import type { NotificationEntity } from '../persistence/entities';
import { NotificationRepository } from '../persistence/repositories/notification.repository';
import { OUTBOX_GRACE_MS } from '../outbox/outbox-relay';
import { NotificationDispatcher } from '../outbox/notification-dispatcher';
import { OutboxRepository } from '../outbox/outbox.repository';
import { NotificationInspector } from '../temporal/notification-inspector';
import { NotificationSignals } from '../temporal/notification-signals';
import { Metrics } from '../observability/metrics';
import { AttemptResponse } from './attempt.dto';
import { NotificationResponse, type RedeliveryResponse } from './notification.dto';
import { AFTER_MESSAGE, type ListNotificationsQuery, NOTIFICATION_LIST_DEFAULT, NotificationListPage, SUBSCRIPTION_ID_MESSAGE } from './notification-list.dto';

@Injectable()
export class NotificationsService {
  constructor(
    private readonly notifications: NotificationRepository,
    private readonly outbox: OutboxRepository,
    private readonly dispatcher: NotificationDispatcher,
    private readonly inspector: NotificationInspector,
    private readonly signals: NotificationSignals,
    private readonly metrics: Metrics,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /**
   * The notification as the database has it and, while it is pending, what Temporal knows besides (the retrying
   * activity's attempt, its last failure, the next retry, whether the workflow holds it), read with describe alone
   * (no query: a read never makes a worker replay a history) under a short deadline: when Temporal cannot answer in time, `temporal` is null and the rest is answered all the same.
   */
  async get(environmentId: string, id: string): Promise<NotificationResponse> {
    const notification = await this.find(environmentId, id);
    const pending = notification.status === 'pending';
    const [attempts, subscriptionStatus, workflow, waitsFor, event] = await Promise.all([
      this.notifications.findAttempts(notification.id),
      pending ? this.notifications.subscriptionStatusOf(notification.subscriptionId) : null,
      pending ? this.inspector.inspect(notification.id) : null,
      this.notifications.waitsFor(notification),
      this.notifications.eventOf(notification.eventId),
    ]);
    const shown = { ...event, traceUrlTemplate: this.config.tracing.urlTemplate };
    return NotificationResponse.from(notification, attempts, subscriptionStatus, workflow && liveDeliveryOf(workflow, subscriptionStatus), waitsFor, shown);
  }

  /**
   * Ends a pending notification as `skipped`, ordered or not: no attempt is made after this (one in flight may still
   * land, but cannot make it succeeded), its workflow is cancelled, and the next notification of its ordering key is
   * told that it may go. A notification that has already ended is a 409.
   */
  async skip(environmentId: string, id: string): Promise<NotificationResponse> {
    const skip = isId('ntf', id) ? await this.notifications.skip(environmentId, id) : null;
    if (skip === null) throw notFound('notification', id);
    if (!skip.skipped) throw conflict(`notification ${id} has already ended (${skip.status}): only a pending notification can be skipped`);
    this.metrics.skipped();
    const notification = await this.find(environmentId, id);
    void this.signals.cancel([id]);
    if (notification.orderingKey !== null) {
      // Its workflow passes the turn on as it ends; this tells the key's head at once, should that workflow not run.
      const { head } = await this.notifications.orderingOf(notification.subscriptionId, notification.orderingKey);
      if (head) void this.signals.turn([head.id]);
    }
    return this.get(environmentId, id);
  }

  /** A page of the environment's notifications, newest first, filtered by status, event type and subscription. */
  async list(environmentId: string, query: ListNotificationsQuery): Promise<NotificationListPage> {
    if (query.after !== undefined && !isId('ntf', query.after)) throw validationError(AFTER_MESSAGE);
    if (query.subscriptionId !== undefined && !isId('sub', query.subscriptionId)) throw validationError(SUBSCRIPTION_ID_MESSAGE);
    const limit = query.limit ?? NOTIFICATION_LIST_DEFAULT;
    const filter = { status: query.status, eventType: query.eventType, subscriptionId: query.subscriptionId };
    return NotificationListPage.of(await this.notifications.listInEnvironment(environmentId, filter, limit + 1, query.after), limit);
  }

  async attempts(environmentId: string, id: string): Promise<AttemptResponse[]> {
    const notification = await this.find(environmentId, id);
    return (await this.notifications.findAttempts(notification.id)).map(AttemptResponse.from);
  }

  /**
   * Delivers a notification that succeeded, expired or was cancelled again: same webhook-id, a fresh window
   * (DELIVERY_WINDOW from now) and this process's retry policy, its attempts numbered on. It is recorded first (an
   * outbox row) and answered once that commit is durable; its workflow's new run is started in the background, and the
   * outbox relay starts it if that start fails. A pending notification (still being delivered) and one whose
   * subscription was deleted are a 409.
   */
  async redeliver(environmentId: string, id: string): Promise<RedeliveryResponse> {
    const redelivery = isId('ntf', id)
      ? await this.outbox.redeliver({
          environmentId,
          notificationId: id,
          windowMs: this.config.delivery.windowMs,
          policy: deliveryPolicyOf(this.config.delivery),
          graceMs: OUTBOX_GRACE_MS,
        })
      : ({ outcome: 'not_found' } as const);
    switch (redelivery.outcome) {
      case 'not_found':
        throw notFound('notification', id);
      case 'pending':
        throw conflict(`notification ${id} is still pending: it is being delivered (or held); redeliver it once it has ended`);
      case 'subscription_deleted':
        throw conflict(`notification ${id} cannot be redelivered: its subscription was deleted`);
      case 'erased':
        throw conflict(`notification ${id} cannot be redelivered: its event's data was erased`);
    }
    const { dispatch } = redelivery;
    this.dispatcher.startInBackground([dispatch]);
    return { id, status: 'pending', expiresAt: dispatch.expiresAt.toISOString(), policy: dispatch.policy };
  }

  private async find(environmentId: string, id: string): Promise<NotificationEntity> {
    const notification = isId('ntf', id) ? await this.notifications.findInEnvironment(environmentId, id) : null;
    if (!notification) throw notFound('notification', id);
    return notification;
  }
}
