import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiErrors, Answers } from '../api/openapi';
import { RequiresScope } from '../auth/route-scopes';
import { ApiTokenRoutes } from '../auth/routes';
import { EnvironmentId } from '../auth/environment-id.decorator';
import { AttemptResponse, NotificationResponse, RedeliveryResponse } from './notification.dto';
import { NotificationsService } from './notifications.service';

@Controller('notifications')
@ApiTokenRoutes('notifications', 'subscriptions', 'publish')
@ApiErrors(404)
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get(':id')
  @Answers(200, NotificationResponse, 'The notification: status, whether it is held, the attempts and the policy it keeps')
  get(@EnvironmentId() environmentId: string, @Param('id') id: string): Promise<NotificationResponse> {
    return this.notifications.get(environmentId, id);
  }

  @Get(':id/attempts')
  @Answers(200, [AttemptResponse], 'Every attempt, first to last')
  attempts(@EnvironmentId() environmentId: string, @Param('id') id: string): Promise<AttemptResponse[]> {
    return this.notifications.attempts(environmentId, id);
  }

  @Post(':id/skip')
  @RequiresScope('subscriptions')
  @HttpCode(200)
  @Answers(200, NotificationResponse, 'Ended as skipped: no attempt is made after this, and the next notification of its ordering key may go')
  @ApiErrors(409)
  skip(@EnvironmentId() environmentId: string, @Param('id') id: string): Promise<NotificationResponse> {
    return this.notifications.skip(environmentId, id);
  }

  @Post(':id/redeliver')
  @RequiresScope('subscriptions')
  @HttpCode(202)
  @Answers(202, RedeliveryResponse, 'Pending again under a fresh window (same webhook-id, attempts numbered on); its delivery has started or will')
  @ApiErrors(409)
  redeliver(@EnvironmentId() environmentId: string, @Param('id') id: string): Promise<RedeliveryResponse> {
    return this.notifications.redeliver(environmentId, id);
  }
}
