import { Body, Controller, Get, Header, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { ApiErrors, Answers, TakesJson } from '../api/openapi';
import { RequiresScope } from '../auth/route-scopes';
import { ApiTokenRoutes } from '../auth/routes';
import { RawJsonBody } from '../api/raw-body.decorator';
import { EnvironmentId } from '../auth/environment-id.decorator';
import { EventResponse, ListEventNotificationsQuery, NotificationPage, PublishEventRequest, PublishedEventResponse } from './event.dto';
import { EventsService } from './events.service';

@Controller('events')
@ApiTokenRoutes('events', 'subscriptions', 'publish')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Post()
  @RequiresScope('publish')
  @HttpCode(202)
  @TakesJson(PublishEventRequest)
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: '1-255 printable ASCII characters: the same key again returns the first event',
    schema: { type: 'string' },
  })
  @Answers(202, PublishedEventResponse, 'Stored, with its notifications; their deliveries have started or will')
  @ApiErrors(422)
  publish(
    @EnvironmentId() environmentId: string,
    @Body() body: PublishEventRequest,
    @RawJsonBody() bodyText: string,
    @Headers('Idempotency-Key') idempotencyKey?: string,
  ): Promise<PublishedEventResponse> {
    return this.events.publish(environmentId, body, bodyText, idempotencyKey);
  }

  /** The EventResponse as JSON text: `data` is the publisher's own text, which res.json would re-serialise. */
  @Get(':id')
  @Header('Content-Type', 'application/json; charset=utf-8')
  @Answers(200, EventResponse, 'The event and its first notifications (notificationsNextCursor: there are more)')
  @ApiErrors(404)
  get(@EnvironmentId() environmentId: string, @Param('id') id: string): Promise<string> {
    return this.events.get(environmentId, id);
  }

  @Get(':id/notifications')
  @Answers(200, NotificationPage, 'A page of the event’s notifications, by ID')
  @ApiErrors(404)
  notifications(@EnvironmentId() environmentId: string, @Param('id') id: string, @Query() query: ListEventNotificationsQuery): Promise<NotificationPage> {
    return this.events.notificationsOf(environmentId, id, query);
  }
}
