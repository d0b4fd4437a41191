import { Body, Controller, Get, HttpCode, Param, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { statusFor } from '../../api/error.filter';
import type { SettableSubscriptionStatus } from '../../domain/statuses';
import { SigningKeysService } from '../../subscriptions/signing-keys.service';
import { UpdateSubscriptionRequest } from '../../subscriptions/subscription.dto';
import { SubscriptionsService } from '../../subscriptions/subscriptions.service';
import { checkRequest, type FormBody, type RefusedInput, refusedInput, textField } from '../form-input';
import { PortalErrorFilter } from '../portal-error.filter';
import { PortalSessionGuard, Session } from '../portal-session.guard';
import type { PortalSession } from '../portal-sessions.service';
import { renderPage } from '../views/render';
import { DeleteSubscriptionPage } from './delete-subscription-page';
import { subscriptionFieldOf, subscriptionFormOf, subscriptionRequestOf } from './subscription-form';
import { SubscriptionPages } from './subscription-pages';
import { noticeFor } from './subscription-text';

const pageOf = (id: string) => `/portal/subscriptions/${encodeURIComponent(id)}`;

/** Whatever `change` throws about the input, as a refusal; nothing when it went through. */
async function attempt(change: () => Promise<unknown>, fieldOf?: Parameters<typeof refusedInput>[1]): Promise<RefusedInput | null> {
  try {
    await change();
    return null;
  } catch (error) {
    return refusedInput(error, fieldOf);
  }
}

/** One subscription of the session's environment: its page, edit, pause and resume, delete, and its signing key. */
@ApiExcludeController()
@Controller('portal/subscriptions/:id')
@UseGuards(PortalSessionGuard)
@UseFilters(PortalErrorFilter)
export class PortalSubscriptionController {
  constructor(
    private readonly subscriptions: SubscriptionsService,
    private readonly signingKeys: SigningKeysService,
    private readonly pages: SubscriptionPages,
  ) {}

  @Get()
  show(@Session() session: PortalSession, @Param('id') id: string, @Query('done') done?: string): Promise<string> {
    return this.pages.page(session, id, { notice: noticeFor(done) });
  }

  @Post()
  async update(@Session() session: PortalSession, @Param('id') id: string, @Body() body: FormBody, @Res() response: Response): Promise<void> {
    const form = subscriptionFormOf(body);
    const request = subscriptionRequestOf(form);
    const refused =
      (await checkRequest(UpdateSubscriptionRequest, request)) ??
      (await attempt(() => this.subscriptions.update(session.environmentId, id, request), subscriptionFieldOf));
    if (refused === null) return response.redirect(303, `${pageOf(id)}?done=saved`);
    response
      .status(statusFor(refused.code))
      .type('html')
      .send(await this.pages.page(session, id, { form, formErrors: refused.errors }));
  }

  @Post('pause')
  pause(@Session() session: PortalSession, @Param('id') id: string, @Res() response: Response): Promise<void> {
    return this.setStatus(session, id, 'paused', response);
  }

  @Post('resume')
  resume(@Session() session: PortalSession, @Param('id') id: string, @Res() response: Response): Promise<void> {
    return this.setStatus(session, id, 'active', response);
  }

  /** Deletes once confirmed (by the script's dialog, or by the page that asks when there is no script). */
  @Post('delete')
  async remove(@Session() session: PortalSession, @Param('id') id: string, @Body() body: FormBody, @Res() response: Response): Promise<void> {
    if (textField(body, 'confirmed') !== 'yes') {
      const subscription = await this.subscriptions.get(session.environmentId, id);
      response
        .status(200)
        .type('html')
        .send(renderPage(<DeleteSubscriptionPage session={session} subscription={subscription} />));
      return;
    }
    await this.subscriptions.remove(session.environmentId, id);
    response.redirect(303, '/portal/subscriptions?done=deleted');
  }

  /** A new key, the older ones signing for the overlap chosen; a refusal (too many keys) is shown beside the form. */
  @Post('rotate-key')
  async rotateKey(@Session() session: PortalSession, @Param('id') id: string, @Body() body: FormBody, @Res() response: Response): Promise<void> {
    const overlap = textField(body, 'overlap') || undefined;
    const refused = await attempt(
      () => this.signingKeys.rotate(session.environmentId, id, overlap),
      (code) => (code === 'validation' ? 'overlap' : ''),
    );
    if (refused === null) return response.redirect(303, `${pageOf(id)}?done=rotated`);
    response
      .status(statusFor(refused.code))
      .type('html')
      .send(await this.pages.page(session, id, { rotateErrors: refused.errors }));
  }

  /** The page again, with the newest signing key in it: only this answer (a POST, never cached) holds it. */
  @Post('reveal-key')
  @HttpCode(200)
  async revealKey(@Session() session: PortalSession, @Param('id') id: string): Promise<string> {
    const key = await this.signingKeys.current(session.environmentId, id);
    return this.pages.page(session, id, { signingKey: key.signatureKey });
  }

  private async setStatus(session: PortalSession, id: string, status: SettableSubscriptionStatus, response: Response): Promise<void> {
    await this.subscriptions.update(session.environmentId, id, { status });
    response.redirect(303, `${pageOf(id)}?done=${status === 'paused' ? 'paused' : 'resumed'}`);
  }
}
