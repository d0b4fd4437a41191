import { Allow, ArrayMaxSize, ArrayUnique, IsArray, IsOptional, Matches } from 'class-validator';
import type { SubscriptionEntity } from '../persistence/entities';
import type { SigningKey } from '../persistence/repositories/signing-key.repository';

/** Event types look like `invoice.paid`: letters, digits and . _ : - , at most 128 characters. */
export const EVENT_TYPE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const EVENT_TYPE_MESSAGE = 'event types are 1-128 characters of letters, digits and . _ : - (e.g. invoice.paid)';

export class SubscribeRequest {
  /** Checked by the URL policy, which gives the precise reason for a refusal. */
  @Allow()
  url: unknown;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @Matches(EVENT_TYPE, { each: true, message: EVENT_TYPE_MESSAGE })
  eventTypes?: string[];
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
