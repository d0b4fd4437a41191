import { Body, Controller, Delete, HttpCode, Param, Put, UseGuards } from '@nestjs/common';
import { ApiVersionGuard } from '../auth/api-version.guard';
import { EnvironmentId } from '../auth/environment-id.decorator';
import { TokenAuthGuard } from '../auth/token-auth.guard';
import { DeclareEventTypeRequest, type EventTypeView } from './event-type.dto';
import { EventTypesService } from './event-types.service';

/** Services declare and archive the event types they publish. */
@Controller('event-types')
@UseGuards(TokenAuthGuard, ApiVersionGuard)
export class EventTypesController {
  constructor(private readonly types: EventTypesService) {}

  @Put(':name')
  @HttpCode(200)
  declare(@EnvironmentId() environmentId: string, @Param('name') name: string, @Body() body: DeclareEventTypeRequest): Promise<EventTypeView> {
    return this.types.declare(environmentId, name, body);
  }

  @Delete(':name')
  @HttpCode(204)
  archive(@EnvironmentId() environmentId: string, @Param('name') name: string): Promise<void> {
    return this.types.archive(environmentId, name);
  }
}
