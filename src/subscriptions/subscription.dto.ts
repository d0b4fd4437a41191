import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Allow, ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { EVENT_TYPE_FILTER, EVENT_TYPE_FILTER_MESSAGE } from '../domain/event-type';
import {
  BREAKER_STATES,
  type BreakerState,
  DISABLED_REASONS,
  type DisabledReason,
  SETTABLE_SUBSCRIPTION_STATUSES,
  type SettableSubscriptionStatus,
  SUBSCRIPTION_ORDERINGS,
  SUBSCRIPTION_STATUSES,
  type SubscriptionOrdering,
  type SubscriptionStatus,
} from '../domain/statuses';
import type { SubscriptionEntity } from '../persistence/entities';
import type { SigningKey } from '../persistence/repositories/signing-key.repository';
import { NotificationSummary } from '../notifications/notification.dto';

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

const MAX_LIMIT = 100_000;
const RATE_MESSAGE = `rateLimit must be deliveries a second, a number from 0 (no limit) to ${MAX_LIMIT}, or null (the default)`;
const IN_FLIGHT_MESSAGE = `maxInFlight must be a whole number from 0 (no cap) to ${MAX_LIMIT}, or null (the default)`;

/** Deliveries a second: a number ≥ 0, or null for the platform's default (undefined: unchanged). */
const RateLimit = () => (target: object, key: string) => {
  ApiPropertyOptional({
    type: Number,
    nullable: true,
    minimum: 0,
    maximum: MAX_LIMIT,
    description: 'Deliveries a second to this subscription, across all workers; 0: no limit; null: the platform default',
    example: 5,
  })(target, key);
  IsOptional()(target, key);
  IsNumber({ allowNaN: false, allowInfinity: false }, { message: RATE_MESSAGE })(target, key);
  Min(0, { message: RATE_MESSAGE })(target, key);
  Max(MAX_LIMIT, { message: RATE_MESSAGE })(target, key);
};

/** Attempts in flight at once: a whole number ≥ 0, or null for the platform's default (undefined: unchanged). */
const MaxInFlight = () => (target: object, key: string) => {
  ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    minimum: 0,
    maximum: MAX_LIMIT,
    description: 'Attempts to this subscription in flight at once, across all workers; 0: no cap; null: the platform default',
    example: 10,
  })(target, key);
  IsOptional()(target, key);
  IsInt({ message: IN_FLIGHT_MESSAGE })(target, key);
  Min(0, { message: IN_FLIGHT_MESSAGE })(target, key);
  Max(MAX_LIMIT, { message: IN_FLIGHT_MESSAGE })(target, key);
};

const ORDERING_MESSAGE = `ordering must be ${SUBSCRIPTION_ORDERINGS.map((ordering) => `"${ordering}"`).join(' or ')}`;

/** `none` or `key` (undefined: unchanged, `none` for a new subscription). */
const Ordering = () => (target: object, key: string) => {
  ApiPropertyOptional({
    enum: [...SUBSCRIPTION_ORDERINGS],
    description:
      'key: notifications of events with the same orderingKey are delivered one after the other, each once every earlier one has ended; none (the default): no order',
  })(target, key);
  IsOptional()(target, key);
  IsIn(SUBSCRIPTION_ORDERINGS, { message: ORDERING_MESSAGE })(target, key);
};

export class SubscribeRequest {
  // Checked by the URL policy (in the service), which gives the precise reason for a refusal.
  @ApiProperty({ type: String, format: 'uri', example: 'https://receiver.example/hooks', description: 'An https: URL of a public host' })
  @Allow()
  url: unknown;

  @EventTypes()
  eventTypes?: string[];

  @RateLimit()
  rateLimit?: number | null;

  @MaxInFlight()
  maxInFlight?: number | null;

  @Ordering()
  ordering?: SubscriptionOrdering;
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

  @RateLimit()
  rateLimit?: number | null;

  @MaxInFlight()
  maxInFlight?: number | null;

  @Ordering()
  ordering?: SubscriptionOrdering;
}

/** The subscription's circuit breaker: closed, open until `until`, or half-open while one probe is out. */
export class BreakerView {
  @ApiProperty({ enum: [...BREAKER_STATES] })
  state: BreakerState;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Open: until when; half-open: until when the probe may take' })
  until: string | null;

  @ApiProperty({ description: 'Failed attempts since the last 2xx' })
  consecutiveFailures: number;

  static from(subscription: SubscriptionEntity): BreakerView {
    return {
      state: subscription.breakerState,
      until: subscription.breakerState === 'closed' || !subscription.breakerUntil ? null : subscription.breakerUntil.toISOString(),
      consecutiveFailures: subscription.consecutiveFailures,
    };
  }
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

  @ApiProperty({ type: Number, nullable: true, description: 'Deliveries a second; 0: no limit; null: the platform default' })
  rateLimit: number | null;

  @ApiProperty({ type: 'integer', nullable: true, description: 'Attempts in flight at once; 0: no cap; null: the platform default' })
  maxInFlight: number | null;

  @ApiProperty({ enum: [...SUBSCRIPTION_ORDERINGS], description: 'key: delivered in order per orderingKey; none: no order' })
  ordering: SubscriptionOrdering;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  static from(subscription: SubscriptionEntity, key: SigningKey): SubscriptionResponse {
    return {
      id: subscription.id,
      url: subscription.url,
      signatureKey: key.secret,
      eventTypes: subscription.eventTypes,
      rateLimit: subscription.rateLimit,
      maxInFlight: subscription.maxInFlight,
      ordering: subscription.ordering,
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

  @ApiProperty({ type: Number, nullable: true, description: 'Deliveries a second; 0: no limit; null: the platform default' })
  rateLimit: number | null;

  @ApiProperty({ type: 'integer', nullable: true, description: 'Attempts in flight at once; 0: no cap; null: the platform default' })
  maxInFlight: number | null;

  @ApiProperty({ type: BreakerView })
  breaker: BreakerView;

  @ApiProperty({ enum: [...SUBSCRIPTION_ORDERINGS], description: 'key: delivered in order per orderingKey; none: no order' })
  ordering: SubscriptionOrdering;

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
      rateLimit: subscription.rateLimit,
      maxInFlight: subscription.maxInFlight,
      breaker: BreakerView.from(subscription),
      ordering: subscription.ordering,
      createdAt: subscription.createdAt.toISOString(),
      updatedAt: subscription.updatedAt.toISOString(),
    };
  }
}

/** An ordering key of a subscription (issue 22): the notification being delivered, and how many wait behind it. */
export class OrderingKeyView {
  @ApiProperty({ example: 'sub_01J…' })
  subscriptionId: string;

  @ApiProperty({ example: 'in_42' })
  orderingKey: string;

  @ApiProperty({
    type: NotificationSummary,
    nullable: true,
    description: 'The key’s head: its pending notification with the earliest place, the only one attempted; null when none is pending',
  })
  head: NotificationSummary | null;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Pending notifications of the key behind the head, waiting for their turn' })
  waiting: number;
}

export class SubscriptionPage {
  @ApiProperty({ type: [SubscriptionView], description: 'Newest first' })
  items: SubscriptionView[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `after` for the next page; null on the last one' })
  nextCursor: string | null;
}
