import { type Attributes, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';

/** The tracer of the service's own spans (the publish request, the outbox commit); a no-op while tracing is off. */
export const TRACER_NAME = 'plude-webhooks';

/**
 * The OpenTelemetry interceptors that trace workflow code, from inside the workflow bundle (never imported by
 * workflows/): a bundle made with them is the traced one (src/runtime/workflow-source.ts).
 */
export const TRACING_WORKFLOW_MODULES = [require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')];

/** The active span's trace ID, when this code runs inside a sampled trace; null otherwise (and always with tracing off). */
export function activeTraceId(): string | null {
  const span = trace.getActiveSpan()?.spanContext();
  // A trace the sampler dropped is exported nowhere: no ID worth storing.
  return span && trace.isSpanContextValid(span) && (span.traceFlags & TraceFlags.SAMPLED) !== 0 ? span.traceId : null;
}

/** The active span's IDs for a log line (src/observability/logger.ts); none outside a trace. */
export function activeTraceFields(): { traceId: string; spanId: string } | Record<string, never> {
  const span = trace.getActiveSpan()?.spanContext();
  return span && trace.isSpanContextValid(span) ? { traceId: span.traceId, spanId: span.spanId } : {};
}

/**
 * Runs `fn` inside a span of the service's own (a no-op span with tracing off). Attributes are IDs and counts only:
 * never a URL, a payload or a key. A thrown error marks the span failed with the error's class name, not its message.
 */
export async function inSpan<T>(name: string, attributes: Attributes, fn: () => Promise<T>): Promise<T> {
  return trace.getTracer(TRACER_NAME).startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn();
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.name : 'error' });
      throw err;
    } finally {
      span.end();
    }
  });
}
