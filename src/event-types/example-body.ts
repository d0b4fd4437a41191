import type { EventTypeView } from './event-type.dto';

/** An ID of the right shape for the example bodies; receivers get the event's real one. */
export const EXAMPLE_EVENT_ID = 'evt_01KBZ7XQ8M3V5J2N4R6T8W0Y1A';

/** A notification's JSON body: the fields of activities/notification-body.ts's renderNotificationBody, in its order. */
export interface NotificationBodyExample {
  id: string;
  type: string;
  createdAt: string;
  environment: string;
  data: Record<string, unknown>;
}

/** The type's example as a receiver of `environmentId` would get it (the whole body), or null when it declares none. */
export function exampleBody(environmentId: string, type: EventTypeView): NotificationBodyExample | null {
  if (type.example === null) return null;
  return { id: EXAMPLE_EVENT_ID, type: type.name, createdAt: type.updatedAt, environment: environmentId, data: type.example };
}
