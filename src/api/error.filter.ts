import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger, type LoggerService } from '@nestjs/common';
import type { Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { DomainError, type DomainErrorCode } from '../domain/errors';
import { databaseUnavailable } from '../persistence/database-unavailable';
import { requestIdOf } from './request-id';

/** The one place where domain error codes become HTTP statuses. */
export function statusFor(code: DomainErrorCode): number {
  switch (code) {
    case 'validation':
    case 'invalid_url':
    case 'private_target':
    case 'unsupported_version':
      return HttpStatus.BAD_REQUEST;
    case 'unauthorized':
      return HttpStatus.UNAUTHORIZED;
    case 'forbidden':
      return HttpStatus.FORBIDDEN;
    case 'not_found':
      return HttpStatus.NOT_FOUND;
    case 'conflict':
      return HttpStatus.CONFLICT;
    case 'unprocessable':
      return HttpStatus.UNPROCESSABLE_ENTITY;
    case 'unavailable':
      return HttpStatus.SERVICE_UNAVAILABLE;
    case 'unsupported_media_type':
      return HttpStatus.UNSUPPORTED_MEDIA_TYPE;
    case 'rate_limited':
      return HttpStatus.TOO_MANY_REQUESTS;
    default: {
      const unreachable: never = code;
      throw new Error(`unmapped domain error code ${String(unreachable)}`);
    }
  }
}

const httpCodes: Record<number, string> = {
  400: 'validation',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'rate_limited',
};

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  /** The reasons one by one, when a domain error lists them (a 422's schema violations, with their JSON pointers). */
  errors?: unknown[];
}

function fromHttpException(exception: HttpException): ErrorBody {
  const statusCode = exception.getStatus();
  // A 5xx raised by a library may quote a dependency's error: its status is kept, its message goes to the log only.
  if (statusCode >= 500) return { statusCode, error: statusCode === 503 ? 'unavailable' : 'internal', message: 'internal error' };
  const response = exception.getResponse() as string | { message?: string | string[] };
  const raw = typeof response === 'string' ? response : (response.message ?? exception.message);
  return { statusCode, error: httpCodes[statusCode] ?? 'http_error', message: Array.isArray(raw) ? raw.join('; ') : raw };
}

/**
 * Terminus's answer when a readiness check fails (src/observability/health.controller.ts): a 503 whose body is the
 * report of every check, kept as it is, so that a prober sees which dependency is down.
 */
function healthReport(exception: HttpException): object | null {
  const response = exception.getResponse();
  return exception.getStatus() === 503 && typeof response === 'object' && response !== null && 'details' in response ? response : null;
}

/** Errors raised by Express middleware (the JSON body parser) carry a 4xx `status` and `type`. */
function fromMiddlewareError(exception: unknown): ErrorBody | null {
  const err = exception as { status?: number; type?: string; message?: string };
  if (typeof err?.status !== 'number' || err.status < 400 || err.status >= 500) return null;
  if (err.type === 'entity.parse.failed') return { statusCode: 400, error: 'validation', message: 'request body is not valid JSON' };
  if (err.type === 'entity.too.large') return { statusCode: 413, error: 'payload_too_large', message: 'request body is too large' };
  return { statusCode: err.status, error: httpCodes[err.status] ?? 'http_error', message: err.message ?? 'bad request' };
}

/**
 * What the log says about an unexpected error: its stack, never the request body. A failed query's message can
 * quote a parameter (`invalid input syntax for type integer: "…"`), so it is reduced to its SQLSTATE; the data
 * source's logger has already logged the query (src/persistence/query-logger.ts).
 */
function describe(exception: unknown): string {
  if (exception instanceof QueryFailedError) {
    const code = (exception.driverError as { code?: string } | undefined)?.code ?? 'unknown';
    const frames = exception.stack?.split('\n').slice(1).join('\n') ?? '';
    return `QueryFailedError (SQLSTATE ${code})\n${frames}`;
  }
  return exception instanceof Error ? (exception.stack ?? exception.message) : String(exception);
}

/** What a 503 for an unavailable database tells the caller to wait, in seconds. */
const DATABASE_RETRY_AFTER_S = 2;

/**
 * An unreachable database, as the domain error it is to the caller (503 and Retry-After, through the same path as
 * every domain error); logged once, by its code. Anything else is returned as it is.
 */
function unavailableAsDomainError(exception: unknown, requestId: string, logger: Pick<LoggerService, 'error'>): unknown {
  if (exception instanceof DomainError || exception instanceof HttpException) return exception;
  const reason = databaseUnavailable(exception);
  if (reason === null) return exception;
  logger.error(`request ${requestId}: the database is unavailable (${reason})`);
  // Nothing was stored (a publish commits its event and notifications in one transaction): the caller retries.
  return new DomainError('unavailable', 'the database is unavailable; retry the request later', { retryAfterSeconds: DATABASE_RETRY_AFTER_S });
}

@Catch()
export class ErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: Pick<LoggerService, 'error'> = new Logger('ErrorFilter')) {}

  catch(thrown: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const exception = unavailableAsDomainError(thrown, requestIdOf(response), this.logger);
    const report = exception instanceof HttpException ? healthReport(exception) : null;
    if (report) {
      response.status(503).json(report);
      return;
    }
    let body: ErrorBody | null;
    if (exception instanceof DomainError) {
      body = { statusCode: statusFor(exception.code), error: exception.code, message: exception.message };
      if (Array.isArray(exception.details?.errors)) body.errors = exception.details.errors;
      const retryAfter = exception.details?.retryAfterSeconds;
      if (typeof retryAfter === 'number') response.setHeader('Retry-After', String(Math.max(1, Math.ceil(retryAfter))));
    } else if (exception instanceof HttpException) {
      body = fromHttpException(exception);
      if (body.statusCode >= 500) this.logger.error(`request ${requestIdOf(response)} failed: ${describe(exception)}`);
    } else {
      body = fromMiddlewareError(exception);
    }
    if (!body) {
      this.logger.error(`request ${requestIdOf(response)} failed: ${describe(exception)}`);
      body = { statusCode: 500, error: 'internal', message: 'internal error' };
    }
    response.status(body.statusCode).json(body);
  }
}
