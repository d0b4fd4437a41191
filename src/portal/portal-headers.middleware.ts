import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { PORTAL_SETTINGS, type PortalSettings } from './portal-settings';

/**
 * Every portal answer: a Content-Security-Policy without 'unsafe-inline' (the page's one script and one style sheet
 * come from the portal itself; a logo may be any HTTPS image), frame-ancestors from PORTAL_FRAME_ANCESTORS, no
 * referrer (a link's token never leaves in one), and nothing cached.
 */
@Injectable()
export class PortalHeadersMiddleware implements NestMiddleware {
  private readonly csp: string;

  constructor(@Inject(PORTAL_SETTINGS) settings: PortalSettings) {
    this.csp = [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' https:",
      "connect-src 'self'",
      "form-action 'self'",
      "base-uri 'none'",
      `frame-ancestors ${settings.frameAncestors}`,
    ].join('; ');
  }

  use(_request: Request, response: Response, next: NextFunction): void {
    response.setHeader('Content-Security-Policy', this.csp);
    response.setHeader('Referrer-Policy', 'no-referrer');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Cache-Control', 'no-store');
    next();
  }
}
