import { IsObject, Matches } from 'class-validator';
import type { EventEntity, NotificationEntity } from '../persistence/entities';
import { EVENT_TYPE } from '../domain/event-type';
import { NotificationSummary } from '../notifications/notification.dto';

export class PublishEventRequest {
  @Matches(EVENT_TYPE, { message: 'type must be 1-128 characters of letters, digits and . _ : - (e.g. invoice.paid)' })
  type: string;

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
  data: unknown;
  notifications: NotificationSummary[];

  static from(event: EventEntity, notifications: NotificationEntity[]): EventResponse {
    return {
      id: event.id,
      type: event.type,
      createdAt: event.createdAt.toISOString(),
      data: event.data,
      notifications: notifications.map(NotificationSummary.from),
    };
  }
}
