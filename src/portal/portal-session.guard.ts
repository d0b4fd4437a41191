import { timingSafeEqual } from 'node:crypto';
import { type CanActivate, createParamDecorator, type ExecutionContext, Injectable } from '@nestjs/common';
import { parse } from 'cookie';
import type { Request } from 'express';
import { DomainError } from '../domain/errors';
import { type PortalSession, PortalSessionsService } from './portal-sessions.service';

/** The session cookie's name. */
export const PORTAL_COOKIE = 'plude_portal';

/** The form field every change carries: the session's CSRF token. */
export const CSRF_FIELD = '_csrf';

export interface PortalRequest extends Request {
  portal: PortalSession;
}

/** No live session: a page asks the reader to sign in (PortalErrorFilter); `ended` when the cookie named one that ended. */
export class PortalSignInRequired extends Error {
  constructor(readonly ended = false) {
    super('sign in to the portal');
  }
}

const sameText = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

const isSafeMethod = (method: string) => method === 'GET' || method === 'HEAD';

/** The token a change carries, from its form (urlencoded) or, for the page's script, its X-CSRF-Token header. */
function csrfTokenOf(request: Request): string {
  const header = request.headers['x-csrf-token'];
  if (typeof header === 'string') return header;
  const body = request.body as Record<string, unknown> | undefined;
  const field = body?.[CSRF_FIELD];
  return typeof field === 'string' ? field : '';
}

/**
 * Every portal page behind sign-in: a live session from the cookie (else PortalSignInRequired), and for every change
 * (any method but GET and HEAD) the session's CSRF token (else 403).
 */
@Injectable()
export class PortalSessionGuard implements CanActivate {
  constructor(private readonly sessions: PortalSessionsService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<PortalRequest>();
    const token = parse(request.headers.cookie ?? '')[PORTAL_COOKIE];
    const session = token ? await this.sessions.authenticate(token) : null;
    if (!session) throw new PortalSignInRequired(Boolean(token));
    if (!isSafeMethod(request.method) && !sameText(csrfTokenOf(request), session.csrfToken)) {
      throw new DomainError(
        'forbidden',
        'This form did not come from this portal session (its CSRF token is wrong or missing): reload the page and try again.',
      );
    }
    request.portal = session;
    return true;
  }
}

/** The request's portal session (PortalSessionGuard put it there). */
export const Session = createParamDecorator((_: unknown, context: ExecutionContext) => context.switchToHttp().getRequest<PortalRequest>().portal);
