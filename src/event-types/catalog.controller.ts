import { Controller, Get, Header, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Answers } from '../api/openapi';
import { ApiTokenRoutes } from '../auth/routes';
import { SCOPES } from '../domain/scopes';
import { EnvironmentId } from '../auth/environment-id.decorator';
import { CATALOG_PAGE_CSP } from './catalog-page';
import { EventTypeList } from './event-type.dto';
import { EventTypesService } from './event-types.service';

/** Integrators and services read the platform's catalog, the same in every environment and whatever their token's scopes: JSON, or a readable page for a client that asks for text/html. */
@Controller('webhooks')
@ApiTokenRoutes('event types', ...SCOPES)
export class CatalogController {
  constructor(private readonly types: EventTypesService) {}

  @Get('event-types')
  @Header('Vary', 'Accept')
  @Answers(200, EventTypeList, 'The platform’s catalog: every event type, archived ones included, the same for every environment', {
    'text/html': 'For `Accept: text/html`: the catalog as a readable page (each type with an example body and its schema)',
  })
  list(@EnvironmentId() environmentId: string, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<EventTypeList | string> {
    if (request.accepts(['application/json', 'text/html']) !== 'text/html') return this.types.list();
    response.type('html').setHeader('Content-Security-Policy', CATALOG_PAGE_CSP);
    return this.types.page(environmentId);
  }
}
