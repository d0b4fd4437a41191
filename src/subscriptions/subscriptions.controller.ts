import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Put, Query } from '@nestjs/common';
import { ApiErrors, Answers, TakesJson } from '../api/openapi';
import { ApiTokenRoutes } from '../auth/routes';
import { EnvironmentId } from '../auth/environment-id.decorator';
import {
  ListSubscriptionsQuery,
  OrderingKeyView,
  SubscribeRequest,
  SubscriptionPage,
  SubscriptionResponse,
  SubscriptionView,
  UpdateSubscriptionRequest,
} from './subscription.dto';
import { SubscriptionsService } from './subscriptions.service';

@Controller('webhooks')
@ApiTokenRoutes('subscriptions', 'subscriptions')
export class SubscriptionsController {
  constructor(private readonly subscriptions: SubscriptionsService) {}

  @Put('subscribe')
  @HttpCode(200)
  @TakesJson(SubscribeRequest)
  @Answers(200, SubscriptionResponse, 'The subscription and its signing key (the same again for a URL already subscribed)')
  @ApiErrors(409)
  subscribe(@EnvironmentId() environmentId: string, @Body() body: SubscribeRequest): Promise<SubscriptionResponse> {
    return this.subscriptions.subscribe(environmentId, body);
  }

  @Get('subscriptions')
  @Answers(200, SubscriptionPage, 'A page of subscriptions, newest first')
  list(@EnvironmentId() environmentId: string, @Query() query: ListSubscriptionsQuery): Promise<SubscriptionPage> {
    return this.subscriptions.list(environmentId, query);
  }

  @Get('subscriptions/:id')
  @Answers(200, SubscriptionView, 'The subscription, without its signing keys')
  @ApiErrors(404)
  get(@EnvironmentId() environmentId: string, @Param('id') id: string): Promise<SubscriptionView> {
    return this.subscriptions.get(environmentId, id);
  }

  @Get('subscriptions/:id/ordering/:key')
  @Answers(200, OrderingKeyView, 'The ordering key’s head (the notification being delivered) and how many pending notifications wait behind it')
  @ApiErrors(400, 404)
  ordering(@EnvironmentId() environmentId: string, @Param('id') id: string, @Param('key') key: string): Promise<OrderingKeyView> {
    return this.subscriptions.ordering(environmentId, id, key);
  }

  @Patch('subscriptions/:id')
  @TakesJson(UpdateSubscriptionRequest)
  @Answers(200, SubscriptionView, 'The subscription as changed')
  @ApiErrors(404, 409)
  update(@EnvironmentId() environmentId: string, @Param('id') id: string, @Body() body: UpdateSubscriptionRequest): Promise<SubscriptionView> {
    return this.subscriptions.update(environmentId, id, body);
  }

  @Delete('subscriptions/:id')
  @HttpCode(204)
  @Answers(204, null, 'Deleted; its pending notifications end as cancelled')
  @ApiErrors(404)
  remove(@EnvironmentId() environmentId: string, @Param('id') id: string): Promise<void> {
    return this.subscriptions.remove(environmentId, id);
  }
}
