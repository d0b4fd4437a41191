import { Body, Controller, Delete, HttpCode, Param, Put } from '@nestjs/common';
import { ApiErrors, Answers, TakesJson } from '../api/openapi';
import { ApiTokenRoutes } from '../auth/routes';
import { EnvironmentId } from '../auth/environment-id.decorator';
import { DeclareEventTypeRequest, EventTypeView } from './event-type.dto';
import { EventTypesService } from './event-types.service';

/** Services declare and archive the event types they publish: a service token with the catalog scope. */
@Controller('event-types')
@ApiTokenRoutes('event types', 'catalog')
export class EventTypesController {
  constructor(private readonly types: EventTypesService) {}

  @Put(':name')
  @HttpCode(200)
  @TakesJson(DeclareEventTypeRequest)
  @Answers(200, EventTypeView, 'The type as declared (a new declaration replaces the old one and brings an archived type back)')
  @ApiErrors(422)
  declare(@EnvironmentId() environmentId: string, @Param('name') name: string, @Body() body: DeclareEventTypeRequest): Promise<EventTypeView> {
    return this.types.declare(environmentId, name, body);
  }

  @Delete(':name')
  @HttpCode(204)
  @Answers(204, null, 'Archived: it stays listed, and publishing it is refused (422) until it is declared again')
  @ApiErrors(404)
  archive(@EnvironmentId() environmentId: string, @Param('name') name: string): Promise<void> {
    return this.types.archive(environmentId, name);
  }
}
