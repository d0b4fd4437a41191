import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Allow, ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { EVENT_TYPE_FILTER, EVENT_TYPE_FILTER_MESSAGE } from '../domain/event-type';
import {
  DISABLED_REASONS,
  type DisabledReason,
  SETTABLE_SUBSCRIPTION_STATUSES,
  type SettableSubscriptionStatus,
  SUBSCRIPTION_STATUSES,
  type SubscriptionStatus,
} from '../domain/statuses';
import type { SubscriptionEntity } from '../persistence/entities';
import type { SigningKey } from '../persistence/repositories/signing-key.repository';

const EventTypes = () => (target: object, key: string) => {
  ApiPropertyOptional({
    type: [String],
    maxItems: 100,
    uniqueItems: true,
    description: 'The event types to receive; empty or left out: every type',
    example: ['invoice.paid'],
  })(target, key);
  IsOptional()(target, key);
  IsArray()(target, key);
  ArrayMaxSize(100)(target, key);
  ArrayUnique()(target, key);
  Matches(EVENT_TYPE_FILTER, { each: true, message: EVENT_TYPE_FILTER_MESSAGE })(target, key);
};

export class SubscribeRequest {
  // Checked by the URL policy (in the service), which gives the precise reason for a refusal.
  @ApiProperty({ type: String, format: 'uri', example: 'https://receiver.example/hooks', description: 'An https: URL of a public host' })
  @Allow()
  url: unknown;

  @EventTypes()
  eventTypes?: string[];
}

export class UpdateSubscriptionRequest {
  // Checked by the URL policy, like subscribe.
  @ApiPropertyOptional({ type: String, format: 'uri', description: 'A new URL: the next attempt of every notification goes there, pending ones included' })
  @Allow()
  url?: unknown;

  @EventTypes()
  eventTypes?: string[];

  @ApiPropertyOptional({ enum: [...SETTABLE_SUBSCRIPTION_STATUSES], description: 'active also re-enables a disabled subscription' })
  @IsOptional()
  @IsIn(SETTABLE_SUBSCRIPTION_STATUSES, { message: `status must be ${SETTABLE_SUBSCRIPTION_STATUSES.map((status) => `"${status}"`).join(' or ')}` })
  status?: SettableSubscriptionStatus;
}

export class ListSubscriptionsQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer from 1 to 100' })
  @Min(1, { message: 'limit must be an integer from 1 to 100' })
  @Max(100, { message: 'limit must be an integer from 1 to 100' })
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page' })
  @IsOptional()
  @IsString({ message: 'after must be a subscription ID (the nextCursor of the previous page)' })
  after?: string;
}

export class SubscriptionResponse {
  @ApiProperty({ example: 'sub_01J…' })
  id: string;

  @ApiProperty({ format: 'uri' })
  url: string;

  @ApiProperty({ description: 'The newest signing key', example: 'whsec_…' })
  signatureKey: string;

  @ApiProperty({ type: [String], description: 'Empty: every event type' })
  eventTypes: string[];

  @ApiProperty({ format: 'date-time' })
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
  @ApiProperty({ example: 'sub_01J…' })
  id: string;

  @ApiProperty({ format: 'uri' })
  url: string;

  @ApiProperty({ type: [String], description: 'Empty: every event type' })
  eventTypes: string[];

  @ApiProperty({ enum: [...SUBSCRIPTION_STATUSES] })
  status: SubscriptionStatus;

  @ApiProperty({
    enum: [...DISABLED_REASONS],
    nullable: true,
    description: 'Why a disabled subscription was disabled: gone (the receiver answered 410) or failing',
  })
  disabledReason: DisabledReason | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
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
  @ApiProperty({ type: [SubscriptionView], description: 'Newest first' })
  items: SubscriptionView[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `after` for the next page; null on the last one' })
  nextCursor: string | null;
}
