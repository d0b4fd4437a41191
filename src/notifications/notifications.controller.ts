import { Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiVersionGuard } from '../auth/api-version.guard';
import { EnvironmentId } from '../auth/environment-id.decorator';
import { TokenAuthGuard } from '../auth/token-auth.guard';
import type { AttemptResponse, NotificationResponse, RedeliveryResponse } from './notification.dto';
import { NotificationsService } from './notifications.service';

@Controller('notifications')
@UseGuards(TokenAuthGuard, ApiVersionGuard)
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get(':id')
  get(@EnvironmentId() environmentId: string, @Param('id') id: string): Promise<NotificationResponse> {
    return this.notifications.get(environmentId, id);
  }

  @Get(':id/attempts')
  attempts(@EnvironmentId() environmentId: string, @Param('id') id: string): Promise<AttemptResponse[]> {
    return this.notifications.attempts(environmentId, id);
  }

  @Post(':id/redeliver')
  @HttpCode(202)
  redeliver(@EnvironmentId() environmentId: string, @Param('id') id: string): Promise<RedeliveryResponse> {
    return this.notifications.redeliver(environmentId, id);
  }
}
