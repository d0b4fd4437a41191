import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsObject, IsOptional, IsString, Matches, Max, Min, ValidateIf } from 'class-validator';
import { RawJson, stringifyWithRaw } from '../domain/json-text';
import type { EventEntity, NotificationEntity } from '../persistence/entities';
import { EVENT_TYPE } from '../domain/event-type';
import { ORDERING_KEY, ORDERING_KEY_MESSAGE } from '../domain/ordering';
import { traceUrlOf } from '../domain/trace-url';
import { NotificationSummary } from '../notifications/notification.dto';

/** Notifications an event lists inline, and the most a page of GET /events/:id/notifications holds. */
export const NOTIFICATIONS_PAGE_MAX = 100;

export class PublishEventRequest {
  @ApiProperty({ pattern: EVENT_TYPE.source, example: 'invoice.paid', description: '1-128 characters of letters, digits and . _ : -' })
  @Matches(EVENT_TYPE, { message: 'type must be 1-128 characters of letters, digits and . _ : - (e.g. invoice.paid)' })
  type: string;

  // Checked here for its shape; what is stored is its exact text (src/domain/event-data.ts).
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Any JSON object, nested at most 32 levels; receivers get it exactly as sent',
    example: { invoice: 'in_42', amount: 4200 },
  })
  @IsObject({ message: 'data must be a JSON object' })
  data: Record<string, unknown>;

  // Left out: unordered. Anything but a string of 1-256 printable characters (null included) is a 400.
  @ApiPropertyOptional({
    type: String,
    minLength: 1,
    maxLength: 256,
    example: 'in_42',
    description:
      'Orders this event’s notifications for subscriptions with ordering "key": each is attempted once every earlier notification of the same subscription and key has ended. 1-256 printable characters',
  })
  @ValidateIf((_, value) => value !== undefined)
  @IsString({ message: ORDERING_KEY_MESSAGE })
  @Matches(ORDERING_KEY, { message: ORDERING_KEY_MESSAGE })
  orderingKey?: string;
}

export class PublishedEventResponse {
  @ApiProperty({ example: 'evt_01J…' })
  id: string;

  @ApiProperty({ example: 'invoice.paid' })
  type: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'How many notifications (matching subscriptions) the event produced' })
  notifications: number;

  static from(event: EventEntity, notifications: number): PublishedEventResponse {
    return { id: event.id, type: event.type, createdAt: event.createdAt.toISOString(), notifications };
  }
}

export class EventResponse {
  @ApiProperty({ example: 'evt_01J…' })
  id: string;

  @ApiProperty({ example: 'invoice.paid' })
  type: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The publisher’s JSON, byte for byte; once erased, `{"erased": true, "at": "…"}`',
  })
  data: unknown;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When its data was erased (DELETE /events/{id}/data); null if never' })
  erasedAt: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The ordering key it was published with; null: none' })
  orderingKey: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '4bf92f3577b34da6a3ce929d0e0e4736',
    description: 'The W3C trace ID of the publish that stored the event (tracing on, README: Tracing); null when untraced',
  })
  traceId: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'http://localhost:16686/trace/4bf92f3577b34da6a3ce929d0e0e4736',
    description: 'The trace in the tracing UI, when TRACE_URL_TEMPLATE is set and the event was traced; null otherwise',
  })
  traceUrl: string | null;

  @ApiProperty({ description: 'A test sent to one subscription (POST /webhooks/subscriptions/{id}/test): its POSTs carry `webhook-test: true`' })
  test: boolean;

  @ApiProperty({
    type: [NotificationSummary],
    description: `The first ${NOTIFICATIONS_PAGE_MAX} notifications, by ID; the rest from GET /events/{id}/notifications`,
  })
  notifications: NotificationSummary[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'When the event has more notifications than are listed: pass as `after` to GET /events/{id}/notifications; null when all are listed',
  })
  notificationsNextCursor: string | null;

  /**
   * The response as JSON text, `data` spliced in as stored: parsing it into JS would reorder keys and round big
   * numbers. `page` is the first page of its notifications (NotificationPage.of).
   */
  static json(event: EventEntity, page: NotificationPage, traceUrlTemplate: string | null = null): string {
    return stringifyWithRaw({
      id: event.id,
      type: event.type,
      createdAt: event.createdAt.toISOString(),
      erasedAt: event.erasedAt ? event.erasedAt.toISOString() : null,
      orderingKey: event.orderingKey,
      traceId: event.traceId,
      traceUrl: traceUrlOf(traceUrlTemplate, event.traceId),
      test: event.test,
      // data just before notifications, as readers of the text find it (test/e2e/events/exact-data.e2e.spec.ts).
      data: new RawJson(event.dataJson),
      notifications: page.items,
      notificationsNextCursor: page.nextCursor,
    } satisfies Record<keyof EventResponse, unknown>);
  }
}

export class ListEventNotificationsQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: NOTIFICATIONS_PAGE_MAX, default: NOTIFICATIONS_PAGE_MAX })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: `limit must be an integer from 1 to ${NOTIFICATIONS_PAGE_MAX}` })
  @Min(1, { message: `limit must be an integer from 1 to ${NOTIFICATIONS_PAGE_MAX}` })
  @Max(NOTIFICATIONS_PAGE_MAX, { message: `limit must be an integer from 1 to ${NOTIFICATIONS_PAGE_MAX}` })
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page (or the event’s notificationsNextCursor)' })
  @IsOptional()
  @IsString({ message: 'after must be a notification ID (the nextCursor of the previous page)' })
  after?: string;
}

export class NotificationPage {
  @ApiProperty({ type: [NotificationSummary], description: 'By ID' })
  items: NotificationSummary[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `after` for the next page; null on the last one' })
  nextCursor: string | null;

  /** A page from `limit + 1` rows: the extra row only tells that there is a next page. */
  static of(rows: NotificationEntity[], limit: number): NotificationPage {
    const items = rows.slice(0, limit).map(NotificationSummary.from);
    return { items, nextCursor: rows.length > limit ? items[items.length - 1].id : null };
  }
}
