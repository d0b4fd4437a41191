import { RawJson, stringifyWithRaw } from '../src/domain/json-text';
import type { DeliveryContext } from './ports';

/**
 * The JSON body receivers get. `data` is spliced in as the publisher sent it (the stored text of a `json`
 * column), so the payload is never parsed and re-serialised on the delivery path.
 */
export function renderNotificationBody(event: DeliveryContext['event']): string {
  return stringifyWithRaw({
    id: event.id,
    type: event.type,
    createdAt: event.createdAt.toISOString(),
    environment: event.environmentId,
    data: new RawJson(event.dataJson),
  });
}
