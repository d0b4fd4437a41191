import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { statusFor } from '../api/error.filter';
import { DomainError } from '../domain/errors';
import { PortalSignInRequired } from './portal-session.guard';
import { ErrorPage } from './views/error-page';
import { renderPage } from './views/render';

/** What a reader whose session ended is told, wherever it ended. */
export const SESSION_ENDED =
  'Your portal session has ended: it was signed out, idle for an hour, 12 hours old, revoked by the platform, or its API token was revoked.';

const TITLES: Record<number, string> = {
  400: 'That was not accepted',
  401: 'Signed out',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Conflict',
  422: 'That was not accepted',
  429: 'Too many requests',
  503: 'Unavailable',
};

/**
 * The portal's errors as pages: a missing session sends a page GET to sign-in; a domain error gets the status the one
 * error map (statusFor) gives it and its message; anything else a 500 page, its details in the log only.
 */
@Catch()
export class PortalErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Portal');

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<Request>();
    const response = host.switchToHttp().getResponse<Response>();
    if (exception instanceof PortalSignInRequired && request.method === 'GET') {
      response.redirect(303, exception.ended ? '/portal/sign-in?ended=1' : '/portal/sign-in');
      return;
    }
    const { status, message } = this.describe(exception);
    const page = <ErrorPage title={TITLES[status] ?? 'Something went wrong'} message={message} signIn={status === 401} />;
    response.status(status).type('html').send(renderPage(page));
  }

  private describe(exception: unknown): { status: number; message: string } {
    if (exception instanceof PortalSignInRequired) return { status: 401, message: exception.ended ? SESSION_ENDED : 'This page needs a portal session.' };
    if (exception instanceof DomainError) return { status: statusFor(exception.code), message: exception.message };
    if (exception instanceof HttpException && exception.getStatus() < 500) return { status: exception.getStatus(), message: exception.message };
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    return { status: 500, message: 'Something went wrong on our side. Try again; if it keeps happening, tell the platform.' };
  }
}
