import { Controller, Get, Param, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { statusFor } from '../../api/error.filter';
import { DomainError } from '../../domain/errors';
import { NotificationsService } from '../../notifications/notifications.service';
import { PortalErrorFilter } from '../portal-error.filter';
import { PortalSessionGuard, Session } from '../portal-session.guard';
import type { PortalSession } from '../portal-sessions.service';
import { renderPage } from '../views/render';
import { NotificationPage } from './notification-page';
import { NotificationViews } from './notification-views.service';

/** What `?done=` says on the page a change redirects to: fixed sentences, never the query's text. */
const NOTICES: Record<string, string> = {
  redelivered: 'Redelivery started: its attempts appear below as they are made.',
  'test-sent': 'Test event sent: its attempts appear below as they are made.',
};

@ApiExcludeController()
@Controller('portal/notifications')
@UseGuards(PortalSessionGuard)
@UseFilters(PortalErrorFilter)
export class PortalNotificationsController {
  constructor(
    private readonly views: NotificationViews,
    private readonly notifications: NotificationsService,
  ) {}

  @Get(':id')
  async show(@Session() session: PortalSession, @Param('id') id: string, @Query('done') done: unknown): Promise<string> {
    const notice = typeof done === 'string' ? NOTICES[done] : undefined;
    return renderPage(<NotificationPage session={session} {...await this.views.load(session.environmentId, id)} notice={notice} />);
  }

  /** Redelivers it and shows it again; a refusal the reader can act on (still pending, …) is shown on its page. */
  @Post(':id/redeliver')
  async redeliver(@Session() session: PortalSession, @Param('id') id: string, @Res() response: Response): Promise<void> {
    try {
      await this.notifications.redeliver(session.environmentId, id);
    } catch (err) {
      if (!(err instanceof DomainError) || err.code !== 'conflict') throw err;
      const page = <NotificationPage session={session} {...await this.views.load(session.environmentId, id)} error={err.message} />;
      response.status(statusFor(err.code)).type('html').send(renderPage(page));
      return;
    }
    response.redirect(303, `/portal/notifications/${encodeURIComponent(id)}?done=redelivered`);
  }
}
