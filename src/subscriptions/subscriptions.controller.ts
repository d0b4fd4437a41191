import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Put, Query, UseGuards } from '@nestjs/common';
import { ApiVersionGuard } from '../auth/api-version.guard';
import { EnvironmentId } from '../auth/environment-id.decorator';
import { TokenAuthGuard } from '../auth/token-auth.guard';
import {
  ListSubscriptionsQuery,
  SubscribeRequest,
  type SubscriptionPage,
  type SubscriptionResponse,
  type SubscriptionView,
  UpdateSubscriptionRequest,
} from './subscription.dto';
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

  @Get('subscriptions')
  list(@EnvironmentId() environmentId: string, @Query() query: ListSubscriptionsQuery): Promise<SubscriptionPage> {
    return this.subscriptions.list(environmentId, query);
  }

  @Get('subscriptions/:id')
  get(@EnvironmentId() environmentId: string, @Param('id') id: string): Promise<SubscriptionView> {
    return this.subscriptions.get(environmentId, id);
  }

  @Patch('subscriptions/:id')
  update(@EnvironmentId() environmentId: string, @Param('id') id: string, @Body() body: UpdateSubscriptionRequest): Promise<SubscriptionView> {
    return this.subscriptions.update(environmentId, id, body);
  }

  @Delete('subscriptions/:id')
  @HttpCode(204)
  remove(@EnvironmentId() environmentId: string, @Param('id') id: string): Promise<void> {
    return this.subscriptions.remove(environmentId, id);
  }
}
