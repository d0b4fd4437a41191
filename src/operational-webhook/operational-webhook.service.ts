import { Inject, Injectable, Logger } from '@nestjs/common';
import { CONFIG } from '../config/injection';
import type { Config } from '../config/config';
import { notFound } from '../domain/errors';
import { newId } from '../domain/ids';
import { OPERATIONS_ENVIRONMENT_ID } from '../domain/operational-events';
import { generateSigningSecret } from '../domain/signature';
import { checkTargetUrl } from '../domain/url-policy';
import { DnsResolver } from '../lib/dns-resolver';
import { OperationalWebhookRepository } from '../persistence/repositories/operational-webhook.repository';
import { NotificationRepository } from '../persistence/repositories/notification.repository';
import { SubscriptionRepository } from '../persistence/repositories/subscription.repository';
import { NotificationSignals } from '../temporal/notification-signals';
import { OperationalWebhookResponse, type RegisterOperationalWebhookRequest } from './operational-webhook.dto';

const PRIVATE_TARGETS_HINT =
  'operational webhooks refuse private targets unless PUT /admin/operational-webhook has "allowPrivateTargets": true (or ALLOW_PRIVATE_TARGETS=true)';
const logger = new Logger('OperationalWebhookService');

/** The platform's one operational webhook: a subscription of the hidden environment (src/domain/operational-events.ts). */
/** Workflows a delete cancels per page of notification IDs read. */
const CANCEL_PAGE = 500;

@Injectable()
export class OperationalWebhookService {
  constructor(
    private readonly webhooks: OperationalWebhookRepository,
    private readonly subscriptions: SubscriptionRepository,
    private readonly notifications: NotificationRepository,
    private readonly signals: NotificationSignals,
    private readonly dns: DnsResolver,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** Registers the URL (replacing the one registered, whose signing key it keeps) under the subscriptions' URL policy. */
  async register(request: RegisterOperationalWebhookRequest): Promise<OperationalWebhookResponse> {
    const allowPrivateTargets = request.allowPrivateTargets ?? false;
    const url = await checkTargetUrl(request.url, {
      allowPrivateTargets: allowPrivateTargets || this.config.delivery.allowPrivateTargets,
      privateTargetsHint: PRIVATE_TARGETS_HINT,
      allowedPorts: this.config.delivery.allowedPorts,
      resolve: (host) => this.dns.addresses(host),
      onRefusedAddress: (host, address) => logger.warn(`operational webhook refused: ${host} resolves to ${address}`),
    });
    const registered = await this.webhooks.register({
      url: url.href,
      allowPrivateTargets,
      subscriptionId: newId('sub'),
      signingKey: { id: newId('key'), secret: generateSigningSecret() },
    });
    return OperationalWebhookResponse.from(registered);
  }

  async get(): Promise<OperationalWebhookResponse> {
    const registered = await this.webhooks.find();
    if (!registered) throw notFound('operational webhook', 'registration');
    return OperationalWebhookResponse.from(registered);
  }

  /** Deletes the registration like a subscription: its pending operational notifications end as cancelled. */
  async remove(): Promise<void> {
    const id = await this.webhooks.liveId();
    const deleted = id === null ? null : await this.subscriptions.softDelete(OPERATIONS_ENVIRONMENT_ID, id);
    if (id === null || deleted === null) throw notFound('operational webhook', 'registration');
    if (deleted.cancelled > 0) void this.signals.cancelPaged((after) => this.notifications.cancelledByDeletePage(id, after, CANCEL_PAGE));
  }
}
