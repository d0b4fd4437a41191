import { Body, Controller, Get, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { statusFor } from '../../api/error.filter';
import { DomainError } from '../../domain/errors';
import { SendTestEventRequest } from '../../events/test-event.dto';
import { TestEventsService } from '../../events/test-events.service';
import { checkedRequest } from '../form-input';
import { PortalErrorFilter } from '../portal-error.filter';
import { PortalSessionGuard, Session } from '../portal-session.guard';
import type { PortalSession } from '../portal-sessions.service';
import { renderPage } from '../views/render';
import { pagerOf, placeOf } from './list-paging';
import { NotificationListViews } from './notification-list-views.service';
import { type NotificationFilters, NotificationsPage } from './notifications-page';
import type { TestEventFields } from './test-event-form';

const LIST = '/portal/notifications';
const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');

/** Errors the reader can fix in a form: its input, a subscription gone, paused or a type without an example. */
const INPUT_CODES = new Set(['validation', 'not_found', 'conflict', 'unprocessable']);

@ApiExcludeController()
@Controller('portal/notifications')
@UseGuards(PortalSessionGuard)
@UseFilters(PortalErrorFilter)
export class PortalNotificationListController {
  constructor(
    private readonly views: NotificationListViews,
    private readonly tests: TestEventsService,
  ) {}

  /** The list, filtered by the GET form, paged by cursor; filters the API refuses are shown beside the form (400). */
  @Get()
  async list(@Session() session: PortalSession, @Query() query: Record<string, unknown>, @Res({ passthrough: true }) response: Response): Promise<string> {
    const filters: NotificationFilters = { status: text(query.status), eventType: text(query.eventType), subscriptionId: text(query.subscriptionId) };
    const place = placeOf(query.after, query.trail);
    const choices = await this.views.choices(session.environmentId);
    try {
      const { page } = await this.views.page(session.environmentId, filters, place);
      const pager = pagerOf(LIST, { ...filters }, place, page.nextCursor);
      return renderPage(<NotificationsPage session={session} filters={filters} page={page} pager={pager} {...choices} />);
    } catch (err) {
      if (!(err instanceof DomainError) || err.code !== 'validation') throw err;
      response.status(statusFor(err.code));
      const pager = { previous: null, next: null };
      return renderPage(<NotificationsPage session={session} filters={filters} page={null} pager={pager} {...choices} filterError={err.message} />);
    }
  }

  /** Sends a test event and opens its notification; a refusal (paused subscription, no example, …) is shown in the form. */
  @Post('test')
  async sendTest(@Session() session: PortalSession, @Body() body: Record<string, unknown>, @Res() response: Response): Promise<void> {
    const fields: TestEventFields = { type: text(body?.type), subscription: text(body?.subscription) };
    try {
      const request = await checkedRequest(SendTestEventRequest, { type: fields.type });
      const sent = await this.tests.send(session.environmentId, fields.subscription ?? '', request, JSON.stringify({ type: fields.type }));
      response.redirect(303, `${LIST}/${sent.notificationId}?done=test-sent`);
    } catch (err) {
      if (!(err instanceof DomainError) || !INPUT_CODES.has(err.code)) throw err;
      const choices = await this.views.choices(session.environmentId);
      const { page } = await this.views.page(session.environmentId, {}, { trail: [] });
      const pager = pagerOf(LIST, {}, { trail: [] }, page.nextCursor);
      const html = renderPage(
        <NotificationsPage session={session} filters={{}} page={page} pager={pager} {...choices} testFields={fields} testError={err.message} />,
      );
      response.status(statusFor(err.code)).type('html').send(html);
    }
  }
}
