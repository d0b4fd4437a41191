import { context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { ConfigError, loadConfig } from '../../src/config/config';
import { traceUrlOf } from '../../src/domain/trace-url';
import { setupTracing } from '../../src/observability/tracing';

// Every exporter and provider the setup could construct, counted: off must construct none.
const mockConstructed: string[] = [];
jest.mock('@opentelemetry/exporter-trace-otlp-http', () => {
  const actual = jest.requireActual<typeof import('@opentelemetry/exporter-trace-otlp-http')>('@opentelemetry/exporter-trace-otlp-http');
  return {
    OTLPTraceExporter: class extends actual.OTLPTraceExporter {
      constructor(...args: ConstructorParameters<typeof actual.OTLPTraceExporter>) {
        super(...args);
        mockConstructed.push('OTLPTraceExporter');
      }
    },
  };
});
jest.mock('@opentelemetry/sdk-trace-node', () => {
  const actual = jest.requireActual<typeof import('@opentelemetry/sdk-trace-node')>('@opentelemetry/sdk-trace-node');
  return {
    NodeTracerProvider: class extends actual.NodeTracerProvider {
      constructor(...args: ConstructorParameters<typeof actual.NodeTracerProvider>) {
        super(...args);
        mockConstructed.push('NodeTracerProvider');
      }
    },
  };
});

// The SDK's own module, loaded only when tracing is on: its loading is counted too.
jest.mock('../../src/observability/tracing-sdk', () => {
  mockConstructed.push('tracing-sdk loaded');
  return jest.requireActual<typeof import('../../src/observability/tracing-sdk')>('../../src/observability/tracing-sdk');
});

beforeEach(() => (mockConstructed.length = 0));

describe('tracing unconfigured', () => {
  it.each([
    ['no OTEL_* variable', {}],
    ['OTEL_TRACES_EXPORTER=none, whatever the endpoint', { OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }],
    ['an empty endpoint (compose passes it empty)', { OTEL_EXPORTER_OTLP_ENDPOINT: '' }],
  ])('%s: off, and setupTracing loads no SDK and creates no provider, no exporter, no interceptor', async (_, env) => {
    const config = loadConfig(env);
    expect(config.tracing.enabled).toBe(false);
    expect(config.log.traceIds).toBe(false);
    // A module registry of its own, so that a test that turned tracing on before this one cannot have loaded the SDK in it.
    await jest.isolateModulesAsync(async () => {
      const isolated = jest.requireActual<typeof import('../../src/observability/tracing')>('../../src/observability/tracing');
      expect(await isolated.setupTracing(config.tracing)).toBeNull();
    });
    expect(mockConstructed).toEqual([]);
    // The API stays the no-op one: spans record nothing, and no traceparent goes out.
    const span = trace.getTracer('t').startSpan('s');
    expect(span.isRecording()).toBe(false);
    const carrier: Record<string, string> = {};
    propagation.inject(trace.setSpan(context.active(), span), carrier);
    expect(carrier).toEqual({});
  });
});

describe('tracing configured', () => {
  it('on with an OTLP endpoint (or OTEL_TRACES_EXPORTER): one provider and one OTLP exporter, none after shutdown', async () => {
    for (const env of [
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' },
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://collector/v1/traces' },
      { OTEL_TRACES_EXPORTER: 'otlp' },
    ]) {
      expect(loadConfig(env).tracing).toMatchObject({ enabled: true, exporter: 'otlp', serviceName: 'plude-webhooks' });
    }
    const tracing = await setupTracing(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9/' }).tracing);
    expect(tracing).not.toBeNull();
    expect(mockConstructed.filter((what) => what !== 'tracing-sdk loaded')).toEqual(['OTLPTraceExporter', 'NodeTracerProvider']);
    expect(tracing?.workerInterceptors.workflowModules).toHaveLength(1);
    await tracing?.shutdown(); // nothing buffered: nothing sent
    expect(trace.getTracer('t').startSpan('s').isRecording()).toBe(false);
  });

  it('a given exporter gets the spans, with W3C propagation', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = await setupTracing(loadConfig({ OTEL_TRACES_EXPORTER: 'console', OTEL_SERVICE_NAME: 'plude-test' }).tracing, { exporter });
    const span = trace.getTracer('t').startSpan('s');
    const carrier: Record<string, string> = {};
    propagation.inject(trace.setSpan(context.active(), span), carrier);
    expect(carrier.traceparent).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
    span.end();
    await tracing?.provider.forceFlush();
    expect(exporter.getFinishedSpans().map((s) => [s.name, s.resource.attributes['service.name']])).toEqual([['s', 'plude-test']]);
    expect(mockConstructed).toEqual(['NodeTracerProvider']);
    await tracing?.shutdown();
  });

  it('bad values are refused at start-up, each named', () => {
    expect(() =>
      loadConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
        OTEL_TRACES_EXPORTER: 'zipkin',
        OTEL_TRACES_SAMPLER: 'sometimes',
        OTEL_TRACES_SAMPLER_ARG: '2',
        TRACE_URL_TEMPLATE: 'http://jaeger:16686/trace/',
      }),
    ).toThrow(
      new ConfigError(
        [
          'Invalid configuration:',
          '  OTEL_EXPORTER_OTLP_ENDPOINT: must be an http:// or https:// URL (the OTLP/HTTP collector)',
          '  OTEL_TRACES_EXPORTER: must be otlp, console or none',
          '  OTEL_TRACES_SAMPLER: must be always_on, always_off, traceidratio or parentbased_ one of them',
          '  OTEL_TRACES_SAMPLER_ARG: must be a ratio from 0 to 1',
          '  TRACE_URL_TEMPLATE: must contain {traceId}, e.g. http://localhost:16686/trace/{traceId}',
        ].join('\n'),
      ),
    );
  });

  it('TRACE_URL_TEMPLATE makes a link of a stored trace ID, and nothing of none', () => {
    const template = loadConfig({ TRACE_URL_TEMPLATE: 'http://jaeger:16686/trace/{traceId}' }).tracing.urlTemplate;
    expect(traceUrlOf(template, '4bf92f3577b34da6a3ce929d0e0e4736')).toBe('http://jaeger:16686/trace/4bf92f3577b34da6a3ce929d0e0e4736');
    expect(traceUrlOf(template, null)).toBeNull();
    expect(traceUrlOf(null, '4bf92f3577b34da6a3ce929d0e0e4736')).toBeNull();
  });
});
