import { Body, Controller, Delete, HttpCode, Param, Put } from '@nestjs/common';
import { ApiErrors, Answers, TakesJson } from '../api/openapi';
import { CatalogRoutes } from '../auth/routes';
import { DeclareEventTypeRequest, EventTypeView } from './event-type.dto';
import { EventTypesService } from './event-types.service';

/**
 * The platform declares and archives the event types of its catalog, which every environment shares: with the
 * admin token, or a service token with the catalog scope (never an environment's token).
 */
@Controller('event-types')
@CatalogRoutes('event types')
export class EventTypesController {
  constructor(private readonly types: EventTypesService) {}

  @Put(':name')
  @HttpCode(200)
  @TakesJson(DeclareEventTypeRequest)
  @Answers(200, EventTypeView, 'The type as declared for every environment (a new declaration replaces the old one and brings an archived type back)')
  @ApiErrors(422)
  declare(@Param('name') name: string, @Body() body: DeclareEventTypeRequest): Promise<EventTypeView> {
    return this.types.declare(name, body);
  }

  @Delete(':name')
  @HttpCode(204)
  @Answers(204, null, 'Archived in every environment: it stays listed, and publishing it is refused (422) until it is declared again')
  @ApiErrors(404)
  archive(@Param('name') name: string): Promise<void> {
    return this.types.archive(name);
  }
}
