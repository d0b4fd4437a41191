import type { NextFunction, Request, Response } from 'express';
import { newId } from '../domain/ids';

/** What a client may name its own request with: short, printable, no spaces or quotes (it ends up in logs). */
export const SANE_REQUEST_ID = /^[\w.:/+=@-]{1,128}$/;

/** Every request gets an ID: the caller's `X-Request-Id` when it is sane, else a new `req_…`; echoed in the response. */
export function assignRequestId(request: Request, response: Response, next: NextFunction): void {
  const incoming = request.headers['x-request-id'];
  const id = typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming) ? incoming : newId('req');
  response.locals.requestId = id;
  response.setHeader('X-Request-Id', id);
  next();
}

export function requestIdOf(response: Response): string {
  return (response.locals?.requestId as string | undefined) ?? 'unknown';
}
