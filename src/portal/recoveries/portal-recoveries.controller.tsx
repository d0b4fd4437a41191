import { Body, Controller, Get, Param, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { statusFor } from '../../api/error.filter';
import { DomainError } from '../../domain/errors';
import { RecoveriesService } from '../../recoveries/recoveries.service';
import { SubscriptionsService } from '../../subscriptions/subscriptions.service';
import { PortalErrorFilter } from '../portal-error.filter';
import { PortalSessionGuard, Session } from '../portal-session.guard';
import type { PortalSession } from '../portal-sessions.service';
import { renderPage } from '../views/render';
import { recoverRequestOf, type RecoveryFormFields } from './recovery-form';
import { RecoveryFormPage } from './recovery-form-page';
import { RecoveryPage } from './recovery-page';

/** The subscriptions the form offers: the first page, as the subscriptions page lists them. */
const SUBSCRIPTIONS_OFFERED = 100;

/** Errors the reader can fix in the form: a wrong time or range, a subscription gone, a running recovery in the way. */
const FORM_ERRORS = new Set(['validation', 'not_found', 'conflict']);

@ApiExcludeController()
@Controller('portal/recoveries')
@UseGuards(PortalSessionGuard)
@UseFilters(PortalErrorFilter)
export class PortalRecoveriesController {
  constructor(
    private readonly recoveries: RecoveriesService,
    private readonly subscriptions: SubscriptionsService,
  ) {}

  @Get('new')
  async form(@Session() session: PortalSession, @Query('subscription') subscription: unknown): Promise<string> {
    return this.formPage(session, { subscription });
  }

  /** Starts the recovery and shows its progress; a range or subscription the service refuses re-shows the form with why. */
  @Post()
  async recover(@Session() session: PortalSession, @Body() fields: RecoveryFormFields, @Res() response: Response): Promise<void> {
    try {
      const { subscriptionId, request } = await recoverRequestOf(fields);
      const started = await this.recoveries.recover(session.environmentId, subscriptionId, request);
      response.redirect(303, `/portal/recoveries/${started.id}?done=started`);
    } catch (err) {
      if (!(err instanceof DomainError) || !FORM_ERRORS.has(err.code)) throw err;
      const runningId = typeof err.details?.recoveryId === 'string' ? err.details.recoveryId : undefined;
      response
        .status(statusFor(err.code))
        .type('html')
        .send(await this.formPage(session, fields, err.message, runningId));
    }
  }

  @Get(':id')
  async show(@Session() session: PortalSession, @Param('id') id: string, @Query('done') done: unknown): Promise<string> {
    const recovery = await this.recoveries.get(session.environmentId, id);
    const notice = done === 'started' ? `Recovery accepted: ${recovery.total} notification(s) of the range are delivered again.` : undefined;
    return renderPage(<RecoveryPage session={session} recovery={recovery} notice={notice} />);
  }

  private async formPage(session: PortalSession, fields: RecoveryFormFields, error?: string, runningId?: string): Promise<string> {
    const { items } = await this.subscriptions.list(session.environmentId, { limit: SUBSCRIPTIONS_OFFERED });
    return renderPage(<RecoveryFormPage session={session} subscriptions={items} fields={fields} error={error} runningId={runningId} />);
  }
}
