import { Inject, Injectable } from '@nestjs/common';
import { CONFIG } from '../api/tokens';
import type { Config } from '../config/config';
import { newId } from '../domain/ids';
import { generateSigningSecret } from '../domain/signature';
import { checkTargetUrl } from '../domain/url-policy';
import { SubscriptionRepository } from '../persistence/repositories/subscription.repository';
import { SubscriptionResponse } from './subscription.dto';

@Injectable()
export class SubscriptionsService {
  constructor(
    private readonly subscriptions: SubscriptionRepository,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** Idempotent: the same URL in the same environment yields the same subscription and signing key. */
  async subscribe(environmentId: string, rawUrl: unknown, eventTypes?: string[]): Promise<SubscriptionResponse> {
    const url = await checkTargetUrl(rawUrl, { allowPrivateTargets: this.config.delivery.allowPrivateTargets });
    const { subscription, signingKey } = await this.subscriptions.upsertByUrl({
      id: newId('sub'),
      environmentId,
      url: url.href,
      eventTypes,
      signingKey: { id: newId('key'), secret: generateSigningSecret() },
    });
    return SubscriptionResponse.from(subscription, signingKey);
  }
}
