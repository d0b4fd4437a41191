import { Controller, Get, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { EventTypesService } from '../../event-types/event-types.service';
import { PortalErrorFilter } from '../portal-error.filter';
import { PortalSessionGuard, Session } from '../portal-session.guard';
import type { PortalSession } from '../portal-sessions.service';
import { renderPage } from '../views/render';
import { CatalogPage } from './catalog-page';

/** The platform's event catalog, as the session's environment's receivers get its examples. */
@ApiExcludeController()
@Controller('portal/catalog')
@UseGuards(PortalSessionGuard)
@UseFilters(PortalErrorFilter)
export class PortalCatalogController {
  constructor(private readonly types: EventTypesService) {}

  @Get()
  async show(@Session() session: PortalSession): Promise<string> {
    return renderPage(<CatalogPage session={session} types={await this.types.catalog(session.environmentId)} />);
  }
}
