import { Type } from 'class-transformer';
import { Allow, ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { EVENT_TYPE_FILTER, EVENT_TYPE_FILTER_MESSAGE } from '../domain/event-type';
import type { SubscriptionEntity } from '../persistence/entities';
import type { SigningKey } from '../persistence/repositories/signing-key.repository';

const EventTypes = () => (target: object, key: string) => {
  IsOptional()(target, key);
  IsArray()(target, key);
  ArrayMaxSize(100)(target, key);
  ArrayUnique()(target, key);
  Matches(EVENT_TYPE_FILTER, { each: true, message: EVENT_TYPE_FILTER_MESSAGE })(target, key);
};

export class SubscribeRequest {
  /** Checked by the URL policy, which gives the precise reason for a refusal. */
  @Allow()
  url: unknown;

  @EventTypes()
  eventTypes?: string[];
}

export class UpdateSubscriptionRequest {
  /** Checked by the URL policy, like subscribe. */
  @Allow()
  url?: unknown;

  @EventTypes()
  eventTypes?: string[];

  @IsOptional()
  @IsIn(['active', 'paused'], { message: 'status must be "active" or "paused"' })
  status?: 'active' | 'paused';
}

export class ListSubscriptionsQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer from 1 to 100' })
  @Min(1, { message: 'limit must be an integer from 1 to 100' })
  @Max(100, { message: 'limit must be an integer from 1 to 100' })
  limit?: number;

  @IsOptional()
  @IsString({ message: 'after must be a subscription ID (the nextCursor of the previous page)' })
  after?: string;
}

export class SubscriptionResponse {
  id: string;
  url: string;
  signatureKey: string;
  /** Empty: every event type. */
  eventTypes: string[];
  createdAt: string;

  static from(subscription: SubscriptionEntity, key: SigningKey): SubscriptionResponse {
    return {
      id: subscription.id,
      url: subscription.url,
      signatureKey: key.secret,
      eventTypes: subscription.eventTypes,
      createdAt: subscription.createdAt.toISOString(),
    };
  }
}

/** A subscription as the management routes show it: never its signing keys. */
export class SubscriptionView {
  id: string;
  url: string;
  eventTypes: string[];
  status: 'active' | 'paused' | 'disabled';
  /** Why a disabled subscription was disabled: `gone` (the receiver answered 410) or `failing`. */
  disabledReason: string | null;
  createdAt: string;
  updatedAt: string;

  static from(subscription: SubscriptionEntity): SubscriptionView {
    return {
      id: subscription.id,
      url: subscription.url,
      eventTypes: subscription.eventTypes,
      status: subscription.status,
      disabledReason: subscription.disabledReason,
      createdAt: subscription.createdAt.toISOString(),
      updatedAt: subscription.updatedAt.toISOString(),
    };
  }
}

export class SubscriptionPage {
  /** Newest first. */
  items: SubscriptionView[];
  /** Pass as `after` for the next page; null on the last one. */
  nextCursor: string | null;
}
