import { Controller, Get, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SubscriptionsService } from '../../subscriptions/subscriptions.service';
import { PortalErrorFilter } from '../portal-error.filter';
import { PortalSessionGuard, Session } from '../portal-session.guard';
import type { PortalSession } from '../portal-sessions.service';
import { renderPage } from '../views/render';
import { SubscriptionsPage } from './subscriptions-page';

@ApiExcludeController()
@Controller('portal/subscriptions')
@UseGuards(PortalSessionGuard)
@UseFilters(PortalErrorFilter)
export class PortalSubscriptionsController {
  constructor(private readonly subscriptions: SubscriptionsService) {}

  @Get()
  async list(@Session() session: PortalSession): Promise<string> {
    const page = await this.subscriptions.list(session.environmentId, { limit: 100 });
    return renderPage(<SubscriptionsPage session={session} page={page} />);
  }
}
