import { Controller, Get, HttpCode, Inject, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { DomainError } from '../domain/errors';
import { clearSessionCookie, setSessionCookie } from './portal-cookie';
import { PortalErrorFilter } from './portal-error.filter';
import { PortalSessionGuard, Session } from './portal-session.guard';
import { type PortalSession, PortalSessionsService } from './portal-sessions.service';
import { PORTAL_SETTINGS, type PortalSettings } from './portal-settings';
import { EnteredPage } from './views/entered-page';
import { renderPage } from './views/render';
import { SignInPage } from './views/sign-in-page';

/** Into the portal and out of it: a one-time link opens a session; signing out ends it. */
@ApiExcludeController()
@Controller('portal')
@UseFilters(PortalErrorFilter)
export class PortalEntryController {
  constructor(
    private readonly sessions: PortalSessionsService,
    @Inject(PORTAL_SETTINGS) private readonly settings: PortalSettings,
  ) {}

  @Get()
  home(@Res() response: Response): void {
    response.redirect(303, '/portal/subscriptions');
  }

  @Get('sign-in')
  signIn(): string {
    return renderPage(<SignInPage />);
  }

  @Get('enter')
  async enter(@Query('link') link: unknown, @Res() response: Response): Promise<void> {
    const opened = typeof link === 'string' && link.length > 0 ? await this.sessions.openLink(link) : null;
    if (!opened)
      throw new DomainError(
        'forbidden',
        'This portal link cannot be used: it was already used, it has expired, or it is not a link we made. Ask the platform for a new one.',
      );
    setSessionCookie(response, this.settings, opened.cookieToken);
    response.type('html').send(renderPage(<EnteredPage />));
  }

  @Post('sign-out')
  @HttpCode(303)
  @UseGuards(PortalSessionGuard)
  async signOut(@Session() session: PortalSession, @Res() response: Response): Promise<void> {
    await this.sessions.signOut(session);
    clearSessionCookie(response, this.settings);
    response.redirect(303, '/portal/sign-in');
  }
}
