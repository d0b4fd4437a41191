import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiErrors, Answers } from '../api/openapi';
import { RequiresScope } from '../auth/route-scopes';
import { ApiTokenRoutes } from '../auth/routes';
import { EnvironmentId } from '../auth/environment-id.decorator';
import { AttemptResponse } from './attempt.dto';
import { NotificationResponse, RedeliveryResponse } from './notification.dto';
import { ListNotificationsQuery, NotificationListPage } from './notification-list.dto';
import { NotificationsService } from './notifications.service';

@Controller('notifications')
@ApiTokenRoutes('notifications', 'subscriptions', 'publish')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @Answers(200, NotificationListPage, 'A page of the environment’s notifications, newest first, filtered by status, event type and subscription')
  list(@EnvironmentId() environmentId: string, @Query() query: ListNotificationsQuery): Promise<NotificationListPage> {
    return this.notifications.list(environmentId, query);
  }

  @Get(':id')
  @Answers(200, NotificationResponse, 'The notification: status, whether it is held, the attempts and the policy it keeps')
  @ApiErrors(404)
  get(@EnvironmentId() environmentId: string, @Param('id') id: string): Promise<NotificationResponse> {
    return this.notifications.get(environmentId, id);
  }

  @Get(':id/attempts')
  @Answers(200, [AttemptResponse], 'Every attempt, first to last')
  @ApiErrors(404)
  attempts(@EnvironmentId() environmentId: string, @Param('id') id: string): Promise<AttemptResponse[]> {
    return this.notifications.attempts(environmentId, id);
  }

  @Post(':id/skip')
  @RequiresScope('subscriptions')
  @HttpCode(200)
  @Answers(200, NotificationResponse, 'Ended as skipped: no attempt is made after this, and the next notification of its ordering key may go')
  @ApiErrors(404, 409)
  skip(@EnvironmentId() environmentId: string, @Param('id') id: string): Promise<NotificationResponse> {
    return this.notifications.skip(environmentId, id);
  }

  @Post(':id/redeliver')
  @RequiresScope('subscriptions')
  @HttpCode(202)
  @Answers(202, RedeliveryResponse, 'Pending again under a fresh window (same webhook-id, attempts numbered on); its delivery has started or will')
  @ApiErrors(404, 409)
  redeliver(@EnvironmentId() environmentId: string, @Param('id') id: string): Promise<RedeliveryResponse> {
    return this.notifications.redeliver(environmentId, id);
  }
}
