import type { IncomingMessage } from 'node:http';
import { parse as parseContentType } from 'content-type';
import type { NextFunction, Request, Response } from 'express';
import { MAX_BODY_DEPTH, MAX_DATA_DEPTH } from '../domain/event-data';
import { DomainError, validationError } from '../domain/errors';
import { nestsDeeperThan } from '../domain/json-text';

/** A request whose JSON body was read: `jsonText` is the body exactly as sent, decoded from UTF-8. */
export interface JsonBodyRequest extends Request {
  jsonText?: string;
}

const JSON_ONLY = 'request bodies must be JSON: send Content-Type: application/json';

/** Transfer-Encoding or a Content-Length above 0: an empty POST (admin token route) needs no Content-Type. */
function carriesBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && Number(length) !== 0);
}

/** The integrator portal's pages (src/portal) post HTML forms, not JSON. */
const isPortalPath = (request: Request) => request.path === '/portal' || request.path.startsWith('/portal/');

/** A portal form: `application/x-www-form-urlencoded`, else 415. */
function requireFormBody(request: Request, next: NextFunction): void {
  const { type } = parseContentType(request.headers['content-type'] ?? '');
  if (type !== 'application/x-www-form-urlencoded')
    return next(new DomainError('unsupported_media_type', `the portal takes HTML forms (got ${type || 'none'})`));
  next();
}

/**
 * Every request that carries a body must say `application/json` (any letter case, optionally `charset=utf-8`):
 * anything else is a 415, before any parser reads it. The one check for every route that takes a body.
 */
export function requireJsonBody(request: Request, _response: Response, next: NextFunction): void {
  if (!carriesBody(request)) return next();
  if (isPortalPath(request)) return requireFormBody(request, next);
  const { type, parameters } = parseContentType(request.headers['content-type'] ?? '');
  if (type !== 'application/json') return next(new DomainError('unsupported_media_type', `${JSON_ONLY} (got ${type || 'none'})`));
  const charset = parameters.charset?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    return next(new DomainError('unsupported_media_type', `${JSON_ONLY}, in UTF-8 (got charset ${charset})`));
  }
  next();
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The JSON body parser's `verify` hook: it sees the raw bytes before JSON.parse or anything recursive does.
 * Refuses bodies that are not UTF-8 or that nest deeper than event data may, and keeps the exact text.
 */
export function verifyJsonBody(request: IncomingMessage, _response: unknown, bytes: Buffer): void {
  if (nestsDeeperThan(bytes, MAX_BODY_DEPTH)) {
    throw validationError(`request body is nested deeper than ${MAX_BODY_DEPTH} levels: data may be nested at most ${MAX_DATA_DEPTH} levels deep`);
  }
  try {
    (request as JsonBodyRequest).jsonText = utf8.decode(bytes);
  } catch {
    throw validationError('request body is not valid UTF-8');
  }
}
