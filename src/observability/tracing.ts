import { type Attributes, context, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { detectResourcesSync, envDetectorSync, Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { ClientInterceptors } from '@temporalio/client';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { ActivityInterceptorsFactory, WorkerInterceptors } from '@temporalio/worker';
import type { Config } from '../config/config';

/** The tracer of the service's own spans (the publish request, the outbox commit); a no-op while tracing is off. */
export const TRACER_NAME = 'plude-webhooks';

/**
 * The OpenTelemetry interceptors that trace workflow code, from inside the workflow bundle (never imported by
 * workflows/): a bundle made with them is the traced one (src/runtime/workflow-source.ts).
 */
export const TRACING_WORKFLOW_MODULES = [require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')];

/** What a process with tracing on adds to its Temporal client and worker, and how it flushes its spans at the end. */
export interface Tracing {
  provider: NodeTracerProvider;
  /** For `new Client({ interceptors })`: a span per workflow start (and signal, query), its context in the headers. */
  clientInterceptors: ClientInterceptors;
  /** For `Worker.create`: activity spans (each attempt), and the traced workflow bundle's interceptor modules. */
  workerInterceptors: Required<Pick<WorkerInterceptors, 'activity' | 'workflowModules'>>;
  /** For `Worker.create`: workflow code's spans leave the sandbox through this sink. */
  sinks: { exporter: ReturnType<typeof makeWorkflowExporter> };
  /** Ends the SDK: every span still buffered is exported first. */
  shutdown(): Promise<void>;
}

/**
 * Sets tracing up for this process, once, at start-up, from the settings (src/config) and the SDK's own reading of
 * the standard OTEL_* variables (the exporter's endpoint, headers and timeout, OTEL_RESOURCE_ATTRIBUTES, the
 * sampler, the batch processor). With tracing off it returns null and creates nothing: no provider, no exporter, no
 * interceptor, and the API's tracer stays the no-op one. `exporter` (tests: an in-memory one) replaces the
 * configured exporter and is exported to span by span.
 */
export function setupTracing(settings: Config['tracing'], options: { exporter?: SpanExporter } = {}): Tracing | null {
  if (!settings.enabled) return null;
  const resource = Resource.default()
    .merge(detectResourcesSync({ detectors: [envDetectorSync] }))
    .merge(new Resource({ [ATTR_SERVICE_NAME]: settings.serviceName }));
  const processor: SpanProcessor = options.exporter
    ? new SimpleSpanProcessor(options.exporter)
    : new BatchSpanProcessor(settings.exporter === 'console' ? new ConsoleSpanExporter() : new OTLPTraceExporter());
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  // AsyncLocalStorage carries the active span through awaits; W3C traceparent/tracestate in and out.
  provider.register({ propagator: new W3CTraceContextPropagator() });
  return {
    provider,
    clientInterceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] },
    workerInterceptors: {
      activity: [
        (ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) }),
        attemptLogTrace,
      ],
      workflowModules: TRACING_WORKFLOW_MODULES,
    },
    sinks: { exporter: makeWorkflowExporter(processor, resource) },
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      context.disable();
    },
  };
}

/**
 * The SDK logs an activity's end ("Activity completed", "Activity failed") after the interceptors' span has ended:
 * inside the span (this interceptor runs within OpenTelemetry's), the attempt's trace and span are kept, and every
 * log line of the activity names them, those after its end included.
 */
const attemptLogTrace: ActivityInterceptorsFactory = () => {
  let ids: ReturnType<typeof activeTraceFields> = {};
  return {
    inbound: {
      execute: (input, next) => {
        ids = activeTraceFields();
        return next(input);
      },
    },
    outbound: {
      getLogAttributes: (input, next) => next({ ...ids, ...activeTraceFields(), ...input }),
    },
  };
};

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
