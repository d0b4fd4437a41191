import type { DeliveryContext } from './ports';

/**
 * The JSON body receivers get. `data` is spliced in as PostgreSQL rendered it, so the payload is not parsed and
 * re-serialised on the delivery path.
 */
export function renderNotificationBody(event: DeliveryContext['event']): string {
  const head = JSON.stringify({ id: event.id, type: event.type, createdAt: event.createdAt.toISOString(), environment: event.environmentId });
  return `${head.slice(0, -1)},"data":${event.dataJson}}`;
}
