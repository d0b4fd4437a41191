import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Config } from '../config/config';
import type { Tracing } from './tracing-sdk';

export { activeTraceFields, activeTraceId, inSpan, TRACER_NAME, TRACING_WORKFLOW_MODULES } from './trace-context';
export type { Tracing } from './tracing-sdk';

/**
 * Sets tracing up for this process, once, at start-up, from the settings (src/config) and the SDK's own reading of
 * the standard OTEL_* variables (the exporter's endpoint, headers and timeout, OTEL_RESOURCE_ATTRIBUTES, the
 * sampler, the batch processor). With tracing off it returns null and loads nothing of the SDK (./tracing-sdk, some
 * 7 MB of a process's memory): no provider, no exporter, no interceptor, and the API's tracer stays the no-op one.
 * `exporter` (tests: an in-memory one) replaces the configured exporter and is exported to span by span.
 */
export async function setupTracing(settings: Config['tracing'], options: { exporter?: SpanExporter } = {}): Promise<Tracing | null> {
  if (!settings.enabled) return null;
  const { startTracing } = await import('./tracing-sdk');
  return startTracing(settings, options);
}
