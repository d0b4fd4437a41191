import { ApiProperty } from '@nestjs/swagger';
import { IsObject, Matches } from 'class-validator';
import { RawJson, stringifyWithRaw } from '../domain/json-text';
import type { EventEntity, NotificationEntity } from '../persistence/entities';
import { EVENT_TYPE } from '../domain/event-type';
import { NotificationSummary } from '../notifications/notification.dto';

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

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The publisher’s JSON, byte for byte' })
  data: unknown;

  @ApiProperty({ type: [NotificationSummary] })
  notifications: NotificationSummary[];

  /** The response as JSON text, `data` spliced in as stored: parsing it into JS would reorder keys and round big numbers. */
  static json(event: EventEntity, notifications: NotificationEntity[]): string {
    return stringifyWithRaw({
      id: event.id,
      type: event.type,
      createdAt: event.createdAt.toISOString(),
      data: new RawJson(event.dataJson),
      notifications: notifications.map(NotificationSummary.from),
    } satisfies Record<keyof EventResponse, unknown>);
  }
}
