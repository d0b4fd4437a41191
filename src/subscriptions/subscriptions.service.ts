import { Inject, Injectable, Logger } from '@nestjs/common';
import { CONFIG } from '../config/injection';
import type { Config } from '../config/config';
import { conflict, notFound, validationError } from '../domain/errors';
import { isId, newId } from '../domain/ids';
import { isOrderingKey, ORDERING_KEY_MESSAGE } from '../domain/ordering';
import { NotificationSummary } from '../notifications/notification.dto';
import { generateSigningSecret } from '../domain/signature';
import { checkTargetUrl } from '../domain/url-policy';
import { DnsResolver } from '../lib/dns-resolver';
import type { SubscriptionEntity } from '../persistence/entities';
import { EnvironmentRepository } from '../persistence/repositories/environment.repository';
import { NotificationRepository } from '../persistence/repositories/notification.repository';
import { type SubscriptionChanges, SubscriptionRepository } from '../persistence/repositories/subscription.repository';
import { NotificationSignals } from '../temporal/notification-signals';
import {
  type ListSubscriptionsQuery,
  type OrderingKeyView,
  type SubscribeRequest,
  SubscriptionPage,
  SubscriptionResponse,
  type UpdateSubscriptionRequest,
  SubscriptionView,
} from './subscription.dto';

const DEFAULT_PAGE = 20;
/** How often a delete looks again whether an attempt in flight has been recorded. */
const IN_FLIGHT_POLL_MS = 25;
const logger = new Logger('SubscriptionsService');

/** Workflows a delete cancels per page of notification IDs read. */
const CANCEL_PAGE = 500;

@Injectable()
export class SubscriptionsService {
  constructor(
    private readonly subscriptions: SubscriptionRepository,
    private readonly notifications: NotificationRepository,
    private readonly environments: EnvironmentRepository,
    private readonly signals: NotificationSignals,
    @Inject(CONFIG) private readonly config: Config,
    private readonly dns: DnsResolver,
  ) {}

  /**
   * Idempotent: the same URL in the same environment yields the same subscription and signing key. A new URL in an
   * environment that already holds MAX_SUBSCRIPTIONS_PER_ENVIRONMENT live subscriptions is a 409 naming the limit.
   */
  async subscribe(environmentId: string, request: SubscribeRequest): Promise<SubscriptionResponse> {
    const url = await this.checkUrl(environmentId, request.url);
    const limit = this.config.maxSubscriptionsPerEnvironment;
    const upserted = await this.subscriptions.upsertByUrl({
      id: newId('sub'),
      environmentId,
      url,
      eventTypes: request.eventTypes,
      rateLimit: request.rateLimit,
      maxInFlight: request.maxInFlight,
      ordering: request.ordering,
      signingKey: { id: newId('key'), secret: generateSigningSecret() },
      maxPerEnvironment: limit,
    });
    if (upserted === 'limit_reached') {
      throw conflict(
        `this environment already holds ${limit} subscriptions, its limit (MAX_SUBSCRIPTIONS_PER_ENVIRONMENT): delete one before subscribing another URL`,
      );
    }
    return SubscriptionResponse.from(upserted.subscription, upserted.signingKey);
  }

  async list(environmentId: string, query: ListSubscriptionsQuery): Promise<SubscriptionPage> {
    if (query.after !== undefined && !isId('sub', query.after)) {
      throw validationError('after must be a subscription ID (the nextCursor of the previous page)');
    }
    const limit = query.limit ?? DEFAULT_PAGE;
    const rows = await this.subscriptions.listLive(environmentId, limit + 1, query.after);
    const items = rows.slice(0, limit).map(SubscriptionView.from);
    return { items, nextCursor: rows.length > limit ? items[items.length - 1].id : null };
  }

  async get(environmentId: string, id: string): Promise<SubscriptionView> {
    return SubscriptionView.from(await this.find(environmentId, id));
  }

  /**
   * Changes URL, event types, status or limits. A new URL takes effect at once: the next attempt of every pending
   * notification goes there (the delivery step reads the subscription's current URL). Making a paused or disabled
   * subscription active releases its held notifications: their workflows are signalled at RELEASE_SIGNAL_RATE, and
   * the gate spaces their attempts at the subscription's rate (or RELEASE_RATE) until they have gone out.
   */
  async update(environmentId: string, id: string, request: UpdateSubscriptionRequest): Promise<SubscriptionView> {
    await this.find(environmentId, id);
    const { eventTypes, status, rateLimit, maxInFlight, ordering } = request;
    const changes: SubscriptionChanges = { eventTypes, status, rateLimit, maxInFlight, ordering };
    if (request.url !== undefined) changes.url = await this.checkUrl(environmentId, request.url);
    const updated = await this.subscriptions.update(environmentId, id, changes, this.config.delivery.gate.releaseRate);
    if (!updated) throw notFound('subscription', id);
    if (updated.before.status !== 'active' && updated.after.status === 'active') {
      void this.signals.release((after, limit) => this.notifications.pendingIdsPage(id, after, limit));
    }
    return SubscriptionView.from(updated.after);
  }

  /** One of its ordering keys: the head (the notification being delivered) and how many wait behind it. */
  async ordering(environmentId: string, id: string, orderingKey: string): Promise<OrderingKeyView> {
    if (!isOrderingKey(orderingKey)) throw validationError(ORDERING_KEY_MESSAGE);
    await this.find(environmentId, id);
    const { head, waiting } = await this.notifications.orderingOf(id, orderingKey);
    return { subscriptionId: id, orderingKey, head: head && NotificationSummary.from(head), waiting };
  }

  /**
   * Deletes the subscription; its pending notifications end as `cancelled` and their workflows are cancelled. Answers
   * once no attempt of theirs can still reach the receiver: an attempt in flight is waited for (at most its timeout).
   */
  async remove(environmentId: string, id: string): Promise<void> {
    const deleted = isId('sub', id) ? await this.subscriptions.softDelete(environmentId, id) : null;
    if (deleted === null) throw notFound('subscription', id);
    if (deleted.cancelled > 0) void this.signals.cancelPaged((after) => this.notifications.cancelledByDeletePage(id, after, CANCEL_PAGE));
    if (deleted.inFlightUntil !== null) await this.attemptsLanded(id, deleted.inFlightUntil);
  }

  /** Until the subscription's attempts in flight are recorded, or `until`, when they have timed out. */
  private async attemptsLanded(subscriptionId: string, until: Date): Promise<void> {
    while (Date.now() < until.getTime() && (await this.notifications.anyAttemptInFlight(subscriptionId))) {
      await new Promise((resolve) => setTimeout(resolve, IN_FLIGHT_POLL_MS));
    }
  }

  private async find(environmentId: string, id: string): Promise<SubscriptionEntity> {
    const subscription = isId('sub', id) ? await this.subscriptions.findLive(environmentId, id) : null;
    if (!subscription) throw notFound('subscription', id);
    return subscription;
  }

  /**
   * The URL policy, with private targets allowed by ALLOW_PRIVATE_TARGETS or by the environment's own setting. Where
   * they are not, the host's addresses must be known to be public: a lookup that times out is a 400 (invalid_url: try again).
   */
  private async checkUrl(environmentId: string, rawUrl: unknown): Promise<string> {
    const allowPrivateTargets = this.config.delivery.allowPrivateTargets || (await this.environments.allowsPrivateTargets(environmentId));
    const url = await checkTargetUrl(rawUrl, {
      allowPrivateTargets,
      allowedPorts: this.config.delivery.allowedPorts,
      resolve: (host) => this.dns.addresses(host),
      onRefusedAddress: (host, address) => logger.warn(`subscribe refused in environment ${environmentId}: ${host} resolves to ${address}`),
    });
    return url.href;
  }
}
