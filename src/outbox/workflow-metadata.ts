import type { NotificationDispatch } from '../domain/delivery';
import { traceUrlOf } from '../domain/trace-url';

/**
 * The host of a notification URL: what the Web UI may show. Never the path or query, which may hold secrets (a
 * token in a query string), nor user info.
 */
export function urlHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'unknown host';
  }
}

/**
 * The one-line summary the Web UI shows in its workflow list: `invoice.paid → receiver.example`, and `(ordered)` for a
 * notification delivered in its ordering key's order (while it waits for its turn, its current details say so).
 */
export function deliverySummary(d: Pick<NotificationDispatch, 'eventType' | 'url' | 'ordered'>): string {
  return `${d.eventType} → ${urlHost(d.url)}${d.ordered ? ' (ordered)' : ''}`;
}

/**
 * The details the Web UI shows on the workflow's page (Temporal markdown): the IDs behind the notification, and its
 * event's trace when the publish was traced, as a link when TRACE_URL_TEMPLATE is set (`traceUrlTemplate`).
 */
export function deliveryDetails(
  d: Pick<NotificationDispatch, 'subscriptionId' | 'eventId' | 'environmentId' | 'trigger' | 'ordered' | 'traceId'>,
  traceUrlTemplate: string | null = null,
): string {
  const lines = [`- subscription: \`${d.subscriptionId}\``, `- event: \`${d.eventId}\``, `- environment: \`${d.environmentId}\``, `- trigger: ${d.trigger}`];
  const traceUrl = traceUrlOf(traceUrlTemplate, d.traceId);
  if (d.traceId) lines.push(traceUrl ? `- trace: [\`${d.traceId}\`](${traceUrl})` : `- trace: \`${d.traceId}\``);
  // The key itself is the publisher's data: the API shows it (GET /notifications/:id), the Web UI does not.
  if (d.ordered) lines.push('- ordering: by key, after every earlier notification of its key has ended');
  return lines.join('\n');
}
