import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LoggerService } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Logger, PinoLogger } from 'nestjs-pino';
import { Store, storage } from 'nestjs-pino/storage';
import { pinoHttp } from 'pino-http';
import type { AppLogger } from '../observability/logger';

type Res = ServerResponse & { locals?: { requestId?: string } };

const pathOf = (req: IncomingMessage) => (req.url ?? '').split('?')[0];
const line = (req: IncomingMessage, res: ServerResponse) => `${req.method} ${pathOf(req)} ${res.statusCode}`;

/**
 * One line per request, every request (those refused before routing too: it runs right after src/api/request-id.ts):
 * method, path, status and time, with the request ID; never headers, query strings or bodies. While the request is
 * handled, Nest's logger (nestLogger below) logs through the request's child logger, so its lines carry the ID too.
 */
export function logRequests(logger: AppLogger): RequestHandler {
  const http = pinoHttp({
    logger,
    genReqId: (_req: IncomingMessage, res: Res) => res.locals?.requestId ?? 'unknown',
    customAttributeKeys: { reqId: 'requestId' },
    // Lines logged while the request is handled carry its ID (req.log, bound below); the request's own line too.
    quietReqLogger: true,
    customProps: (req: IncomingMessage & { id?: unknown }) => ({ context: 'http', requestId: req.id }),
    serializers: {
      req: (req: IncomingMessage) => ({ method: req.method, path: pathOf(req) }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
    },
    // 503: not ready (health) or shutting down, which the answer says; other 5xx are failures, logged with their stack
    // by src/api/error.filter.ts, so this line needs no error of its own.
    customLogLevel: (_req, res, err) => (res.statusCode === 503 ? 'warn' : err || res.statusCode >= 500 ? 'error' : 'info'),
    customErrorObject: (_req, _res, _err, fields: Record<string, unknown>) => ({ res: fields.res, responseTime: fields.responseTime }),
    customSuccessMessage: line,
    customErrorMessage: line,
  });
  return (req: Request, res: Response, next: NextFunction) => {
    http(req, res);
    storage.run(new Store((req as Request & { log: AppLogger }).log), next);
  };
}

/** Nest's logger (nestjs-pino's) on the process's logger. */
export function nestLogger(logger: AppLogger): LoggerService {
  return new Logger(new PinoLogger({ pinoHttp: { logger } }), {});
}
