/** A W3C trace ID: 32 lowercase hex digits, not all zero. */
export const TRACE_ID = /^(?!0{32})[0-9a-f]{32}$/;

/**
 * The link TRACE_URL_TEMPLATE makes of a stored trace ID (every `{traceId}` replaced, e.g.
 * http://jaeger:16686/trace/{traceId}); null without a template or without a trace.
 */
export function traceUrlOf(template: string | null | undefined, traceId: string | null | undefined): string | null {
  return template && traceId ? template.replaceAll('{traceId}', traceId) : null;
}
