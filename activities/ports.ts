import type { HttpSender } from './http/sender';

/** The activity's ports: storage and metrics (src/domain/delivery.ts, where their implementations find them too), and the sender. */
export type {
  AttemptRecord,
  DeliveryContext,
  DeliveryMetrics,
  DeliveryStore,
  DisabledReason,
  NotificationStatus,
  RecordedAttempt,
  SubscriptionStatus,
} from '../src/domain/delivery';

/** The part of the HTTPS sender (activities/http/sender.ts) that a delivery uses. */
export type DeliverySender = Pick<HttpSender, 'send'>;
