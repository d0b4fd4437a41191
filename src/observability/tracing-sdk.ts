import { context, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { detectResourcesSync, envDetectorSync, Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { Config } from '../config/config';
import type { ClientInterceptors } from '@temporalio/client';
import type { WorkerInterceptors } from '@temporalio/worker';
import { activeTraceFields, TRACING_WORKFLOW_MODULES } from './trace-context';

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

/** The OpenTelemetry SDK, loaded by setupTracing (./tracing) only when tracing is on. */
export function startTracing(settings: Config['tracing'], options: { exporter?: SpanExporter }): Tracing {
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
