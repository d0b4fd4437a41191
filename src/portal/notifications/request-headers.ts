import type { AttemptResponse } from '../../notifications/attempt.dto';

/** The order a reader of a webhook expects its headers in; any other header follows, by name. */
const ORDER = ['content-type', 'user-agent', 'webhook-id', 'webhook-timestamp', 'webhook-signature', 'webhook-test', 'traceparent', 'tracestate'];
const rank = (name: string) => (ORDER.includes(name) ? ORDER.indexOf(name) : ORDER.length);

/**
 * An attempt's request line and headers, one per line. The headers it recorded, as sent (the signature included); an
 * attempt recorded before they were has none, and gets what its record tells: webhook-id is the notification's ID and
 * webhook-timestamp the attempt's start in seconds (activities/index.ts signs with both), a test event's carries
 * webhook-test, and the signature is said not to be recorded.
 */
export function requestHeaderLines(notification: { id: string; test: boolean }, attempt: AttemptResponse): string[] {
  const recorded = attempt.requestHeaders;
  if (recorded) {
    const names = Object.keys(recorded).sort((a, b) => rank(a.toLowerCase()) - rank(b.toLowerCase()) || (a < b ? -1 : a > b ? 1 : 0));
    return [`POST ${attempt.url}`, ...names.map((name) => `${name}: ${recorded[name]}`)];
  }
  return [
    `POST ${attempt.url}`,
    'content-type: application/json',
    `webhook-id: ${notification.id}`,
    `webhook-timestamp: ${Math.floor(Date.parse(attempt.startedAt) / 1000)}`,
    'webhook-signature: (not recorded with the attempt)',
    ...(notification.test ? ['webhook-test: true'] : []),
  ];
}
