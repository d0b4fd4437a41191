import { Body, Controller, Get, Header, Headers, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { RawJsonBody } from '../api/raw-body.decorator';
import { ApiVersionGuard } from '../auth/api-version.guard';
import { EnvironmentId } from '../auth/environment-id.decorator';
import { TokenAuthGuard } from '../auth/token-auth.guard';
import { PublishEventRequest, type PublishedEventResponse } from './event.dto';
import { EventsService } from './events.service';

@Controller('events')
@UseGuards(TokenAuthGuard, ApiVersionGuard)
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Post()
  @HttpCode(202)
  publish(
    @EnvironmentId() environmentId: string,
    @Body() body: PublishEventRequest,
    @RawJsonBody() bodyText: string,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<PublishedEventResponse> {
    return this.events.publish(environmentId, body, bodyText, idempotencyKey);
  }

  /** The EventResponse as JSON text: `data` is the publisher's own text, which res.json would re-serialise. */
  @Get(':id')
  @Header('Content-Type', 'application/json; charset=utf-8')
  get(@EnvironmentId() environmentId: string, @Param('id') id: string): Promise<string> {
    return this.events.get(environmentId, id);
  }
}
