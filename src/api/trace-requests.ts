import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE } from '@opentelemetry/semantic-conventions';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { TRACER_NAME } from '../observability/tracing';

/** Probes and scrapes are not traced: they would bury the requests that matter. */
const UNTRACED = /^\/(health|metrics)(\/|$|\?)/;

/**
 * With tracing on (src/observability/tracing.ts), a server span per API request, child of the caller's W3C
 * `traceparent` (and `tracestate`) when it sends one, active while the request is handled: the outbox commit, the
 * workflow starts and every log line of the request belong to it. Named by method and route pattern
 * (`POST /events`, `GET /events/:id`): never the path itself, its query or any header else.
 */
export function traceRequests(): RequestHandler {
  const tracer = trace.getTracer(TRACER_NAME);
  return (request: Request, response: Response, next: NextFunction) => {
    if (UNTRACED.test(request.url)) return next();
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const span = tracer.startSpan(request.method, { kind: SpanKind.SERVER, attributes: { [ATTR_HTTP_REQUEST_METHOD]: request.method } }, parent);
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      const route = (request.route as { path?: unknown } | undefined)?.path;
      if (typeof route === 'string') {
        span.updateName(`${request.method} ${route}`);
        span.setAttribute(ATTR_HTTP_ROUTE, route);
      }
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, response.statusCode);
      if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    };
    response.once('finish', end);
    response.once('close', end);
    context.with(trace.setSpan(parent, span), next);
  };
}
