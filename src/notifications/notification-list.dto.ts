import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { EVENT_TYPE, EVENT_TYPE_MESSAGE } from '../domain/event-type';
import { NOTIFICATION_STATUSES, type NotificationStatus } from '../domain/statuses';
import type { ListedNotification } from '../persistence/repositories/notification-list';
import { NotificationResponse } from './notification.dto';

/** GET /notifications: a page holds this many unless `limit` says otherwise, and at most NOTIFICATION_LIST_MAX. */
export const NOTIFICATION_LIST_DEFAULT = 50;
export const NOTIFICATION_LIST_MAX = 100;

const LIMIT_MESSAGE = `limit must be an integer from 1 to ${NOTIFICATION_LIST_MAX}`;
export const AFTER_MESSAGE = 'after must be a notification ID (the nextCursor of the previous page)';
export const SUBSCRIPTION_ID_MESSAGE = 'subscriptionId must be a subscription ID (sub_…)';

export class ListNotificationsQuery {
  @ApiPropertyOptional({ enum: [...NOTIFICATION_STATUSES], description: 'Only notifications with this status' })
  @IsOptional()
  @IsIn([...NOTIFICATION_STATUSES], { message: `status must be one of ${NOTIFICATION_STATUSES.join(', ')}` })
  status?: NotificationStatus;

  @ApiPropertyOptional({ example: 'invoice.paid', description: 'Only notifications of events of this type (exactly; no wildcard)' })
  @IsOptional()
  @IsString({ message: `eventType: ${EVENT_TYPE_MESSAGE}` })
  @Matches(EVENT_TYPE, { message: `eventType: ${EVENT_TYPE_MESSAGE}` })
  eventType?: string;

  @ApiPropertyOptional({ example: 'sub_01J…', description: 'Only notifications to this subscription' })
  @IsOptional()
  @IsString({ message: SUBSCRIPTION_ID_MESSAGE })
  subscriptionId?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: NOTIFICATION_LIST_MAX, default: NOTIFICATION_LIST_DEFAULT })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: LIMIT_MESSAGE })
  @Min(1, { message: LIMIT_MESSAGE })
  @Max(NOTIFICATION_LIST_MAX, { message: LIMIT_MESSAGE })
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page' })
  @IsOptional()
  @IsString({ message: AFTER_MESSAGE })
  after?: string;
}

/** A listed notification: the fields of GET /notifications/{id} that a list shows (their schema is that answer's), and its event's type. */
export class NotificationListItem extends PickType(NotificationResponse, [
  'id',
  'eventId',
  'subscriptionId',
  'status',
  'attemptCount',
  'createdAt',
  'lastAttemptAt',
  'completedAt',
  'test',
] as const) {
  @ApiProperty({ example: 'invoice.paid' })
  eventType: string;

  static from({ notification: n, eventType, test }: ListedNotification): NotificationListItem {
    return {
      id: n.id,
      eventId: n.eventId,
      eventType,
      subscriptionId: n.subscriptionId,
      status: n.status,
      attemptCount: n.attemptCount,
      createdAt: n.createdAt.toISOString(),
      lastAttemptAt: n.lastAttemptAt ? n.lastAttemptAt.toISOString() : null,
      completedAt: n.completedAt ? n.completedAt.toISOString() : null,
      test,
    };
  }
}

export class NotificationListPage {
  @ApiProperty({ type: [NotificationListItem], description: 'Newest first' })
  items: NotificationListItem[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `after` for the next page; null on the last one' })
  nextCursor: string | null;

  /** A page from `limit + 1` rows: the extra row only tells that there is a next page. */
  static of(rows: ListedNotification[], limit: number): NotificationListPage {
    const items = rows.slice(0, limit).map(NotificationListItem.from);
    return { items, nextCursor: rows.length > limit ? items[items.length - 1].id : null };
  }
}
