import { IsObject, Matches } from 'class-validator';
import { RawJson, stringifyWithRaw } from '../domain/json-text';
import type { EventEntity, NotificationEntity } from '../persistence/entities';
import { EVENT_TYPE } from '../domain/event-type';
import { NotificationSummary } from '../notifications/notification.dto';

export class PublishEventRequest {
  @Matches(EVENT_TYPE, { message: 'type must be 1-128 characters of letters, digits and . _ : - (e.g. invoice.paid)' })
  type: string;

  /** Checked here for its shape; what is stored is its exact text (src/domain/event-data.ts). */
  @IsObject({ message: 'data must be a JSON object' })
  data: Record<string, unknown>;
}

export class PublishedEventResponse {
  id: string;
  type: string;
  createdAt: string;
  /** How many notifications (matching subscriptions) the event produced. */
  notifications: number;

  static from(event: EventEntity, notifications: number): PublishedEventResponse {
    return { id: event.id, type: event.type, createdAt: event.createdAt.toISOString(), notifications };
  }
}

export class EventResponse {
  id: string;
  type: string;
  createdAt: string;
  /** The publisher's JSON, byte for byte. */
  data: unknown;
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
