import { Body, Controller, Get, Headers, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiVersionGuard } from '../auth/api-version.guard';
import { EnvironmentId } from '../auth/environment-id.decorator';
import { TokenAuthGuard } from '../auth/token-auth.guard';
import { type EventResponse, PublishEventRequest, type PublishedEventResponse } from './event.dto';
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
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<PublishedEventResponse> {
    return this.events.publish(environmentId, body, idempotencyKey);
  }

  @Get(':id')
  get(@EnvironmentId() environmentId: string, @Param('id') id: string): Promise<EventResponse> {
    return this.events.get(environmentId, id);
  }
}
