import { Body, Controller, HttpCode, Put, UseGuards } from '@nestjs/common';
import { ApiVersionGuard } from '../auth/api-version.guard';
import { EnvironmentId } from '../auth/environment-id.decorator';
import { TokenAuthGuard } from '../auth/token-auth.guard';
import { SubscribeRequest, type SubscriptionResponse } from './subscription.dto';
import { SubscriptionsService } from './subscriptions.service';

@Controller('webhooks')
@UseGuards(TokenAuthGuard, ApiVersionGuard)
export class SubscriptionsController {
  constructor(private readonly subscriptions: SubscriptionsService) {}

  @Put('subscribe')
  @HttpCode(200)
  subscribe(@EnvironmentId() environmentId: string, @Body() body: SubscribeRequest): Promise<SubscriptionResponse> {
    return this.subscriptions.subscribe(environmentId, body.url, body.eventTypes);
  }
}
