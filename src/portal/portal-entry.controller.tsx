import { Body, Controller, Get, HttpCode, Inject, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DomainError } from '../domain/errors';
import { clearSessionCookie, setSessionCookie } from './portal-cookie';
import { PortalErrorFilter, SESSION_ENDED } from './portal-error.filter';
import { PortalSessionGuard, Session } from './portal-session.guard';
import { type PortalSession, PortalSessionsService } from './portal-sessions.service';
import { PORTAL_SETTINGS, type PortalSettings } from './portal-settings';
import { EnteredPage } from './views/entered-page';
import { renderPage } from './views/render';
import { fromOwnOrigin } from './same-origin';
import { SignInPage, TOKEN_FIELD } from './views/sign-in-page';

/** Into the portal and out of it: a one-time link or a pasted API token opens a session; signing out ends it. */
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
  signIn(@Query('ended') ended: unknown): string {
    return renderPage(<SignInPage notice={ended === undefined ? undefined : SESSION_ENDED} />);
  }

  /**
   * Signs in with a pasted API token (no session yet, so no CSRF token: the form must come from the portal's own
   * origin, and the cookie is SameSite=Strict). A token that opens nothing shows the form again with one message.
   */
  @Post('sign-in')
  async signInWithToken(@Body() body: Record<string, unknown> | undefined, @Req() request: Request, @Res() response: Response): Promise<void> {
    if (!fromOwnOrigin(request, this.settings.publicUrl)) {
      throw new DomainError('forbidden', 'This sign-in did not come from the portal’s own page. Open the portal and sign in there.');
    }
    const token = body?.[TOKEN_FIELD];
    try {
      const { cookieToken } = await this.sessions.signIn(typeof token === 'string' ? token.trim() : '', request.ip ?? request.socket.remoteAddress ?? '');
      setSessionCookie(response, this.settings, cookieToken);
      response.redirect(303, '/portal/subscriptions');
    } catch (error) {
      if (!(error instanceof DomainError && error.code === 'unauthorized')) throw error;
      response
        .status(401)
        .type('html')
        .send(renderPage(<SignInPage error={error.message} />));
    }
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
