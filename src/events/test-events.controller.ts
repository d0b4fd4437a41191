import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiErrors, Answers, TakesJson } from '../api/openapi';
import { RawJsonBody } from '../api/raw-body.decorator';
import { EnvironmentId } from '../auth/environment-id.decorator';
import { ApiTokenRoutes } from '../auth/routes';
import { SendTestEventRequest, TestEventResponse } from './test-event.dto';
import { TestEventsService } from './test-events.service';

/** A test event to one subscription: beside the subscription's routes, published by the events' module. */
@Controller('webhooks/subscriptions')
@ApiTokenRoutes('subscriptions', 'subscriptions')
export class TestEventsController {
  constructor(private readonly tests: TestEventsService) {}

  @Post(':id/test')
  @HttpCode(202)
  @TakesJson(SendTestEventRequest)
  @Answers(202, TestEventResponse, 'Stored with its one notification, to this subscription alone; its delivery has started or will')
  @ApiErrors(404, 409, 422)
  send(
    @EnvironmentId() environmentId: string,
    @Param('id') id: string,
    @Body() body: SendTestEventRequest,
    @RawJsonBody() bodyText: string,
  ): Promise<TestEventResponse> {
    return this.tests.send(environmentId, id, body, bodyText);
  }
}
