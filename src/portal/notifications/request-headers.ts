import { inReadingOrder } from '../../domain/signature';
import type { AttemptResponse } from '../../notifications/attempt.dto';

/**
 * An attempt's request line and headers, one per line. The headers it recorded, as sent (the signature included); an
 * attempt recorded before they were has none, and gets what its record tells: webhook-id is the notification's ID and
 * webhook-timestamp the attempt's start in seconds (activities/index.ts signs with both), a test event's carries
 * webhook-test, and the signature is said not to be recorded.
 */
export function requestHeaderLines(notification: { id: string; test: boolean }, attempt: AttemptResponse): string[] {
  const recorded = attempt.requestHeaders;
  if (recorded) {
    return [`POST ${attempt.url}`, ...inReadingOrder(recorded).map(([name, value]) => `${name}: ${value}`)];
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
