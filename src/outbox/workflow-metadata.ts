import type { NotificationDispatch } from '../domain/delivery';

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

/** The one-line summary the Web UI shows in its workflow list: `invoice.paid → receiver.example`. */
export function deliverySummary(d: Pick<NotificationDispatch, 'eventType' | 'url'>): string {
  return `${d.eventType} → ${urlHost(d.url)}`;
}

/** The details the Web UI shows on the workflow's page (Temporal markdown): the IDs behind the notification. */
export function deliveryDetails(d: Pick<NotificationDispatch, 'subscriptionId' | 'eventId' | 'environmentId' | 'trigger'>): string {
  return [`- subscription: \`${d.subscriptionId}\``, `- event: \`${d.eventId}\``, `- environment: \`${d.environmentId}\``, `- trigger: ${d.trigger}`].join(
    '\n',
  );
}
