import { Body, Controller, Get, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { statusFor } from '../../api/error.filter';
import { SubscribeRequest } from '../../subscriptions/subscription.dto';
import { SubscriptionsService } from '../../subscriptions/subscriptions.service';
import { checkRequest, type FormBody, type RefusedInput, refusedInput } from '../form-input';
import { PortalErrorFilter } from '../portal-error.filter';
import { PortalSessionGuard, Session } from '../portal-session.guard';
import type { PortalSession } from '../portal-sessions.service';
import { renderPage } from '../views/render';
import { NewSubscriptionPage } from './new-subscription-page';
import { EMPTY_SUBSCRIPTION_FORM, subscriptionFieldOf, subscriptionFormOf, subscriptionRequestOf } from './subscription-form';
import { SubscriptionPages } from './subscription-pages';
import { noticeFor } from './subscription-text';
import { SubscriptionsPage } from './subscriptions-page';

/** The environment's subscriptions: the list (100 a page) and subscribing a URL. */
@ApiExcludeController()
@Controller('portal/subscriptions')
@UseGuards(PortalSessionGuard)
@UseFilters(PortalErrorFilter)
export class PortalSubscriptionsController {
  constructor(
    private readonly subscriptions: SubscriptionsService,
    private readonly pages: SubscriptionPages,
  ) {}

  @Get()
  async list(@Session() session: PortalSession, @Query('after') after?: string, @Query('done') done?: string): Promise<string> {
    const page = await this.subscriptions.list(session.environmentId, { limit: 100, after });
    return renderPage(<SubscriptionsPage session={session} page={page} after={after} notice={noticeFor(done)} />);
  }

  @Get('new')
  async newForm(@Session() session: PortalSession): Promise<string> {
    return renderPage(<NewSubscriptionPage session={session} values={EMPTY_SUBSCRIPTION_FORM} errors={{}} catalogTypes={await this.pages.catalogTypes()} />);
  }

  /** Subscribes the URL (the same URL again: the same subscription, with these settings), or shows the form again with why not. */
  @Post()
  async create(@Session() session: PortalSession, @Body() body: FormBody, @Res() response: Response): Promise<void> {
    const values = subscriptionFormOf(body);
    const request = subscriptionRequestOf(values);
    const outcome = (await checkRequest(SubscribeRequest, request)) ?? (await this.subscribe(session, request));
    if (typeof outcome === 'string') return response.redirect(303, `/portal/subscriptions/${encodeURIComponent(outcome)}?done=created`);
    const page = <NewSubscriptionPage session={session} values={values} errors={outcome.errors} catalogTypes={await this.pages.catalogTypes()} />;
    response.status(statusFor(outcome.code)).type('html').send(renderPage(page));
  }

  /** The new subscription's ID, or why the input was refused. */
  private async subscribe(session: PortalSession, request: SubscribeRequest): Promise<string | RefusedInput> {
    try {
      return (await this.subscriptions.subscribe(session.environmentId, request)).id;
    } catch (error) {
      return refusedInput(error, subscriptionFieldOf);
    }
  }
}
