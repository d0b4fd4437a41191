import type { NotificationDispatch, RecoveryCursor } from '../src/domain/delivery';
import type { HttpSender } from './http/sender';

/** The activity's ports: storage and metrics (src/domain/delivery.ts, where their implementations find them too), and the sender. */
export type { AttemptRecord, DeliveryContext, DeliveryMetrics, DeliveryStore, RecordedAttempt } from '../src/domain/delivery';
export type { DisabledReason, NotificationStatus, SubscriptionStatus } from '../src/domain/statuses';

/** The part of the HTTPS sender (activities/http/sender.ts) that a delivery uses. */
export type DeliverySender = Pick<HttpSender, 'send'>;

/** What the recovery activities need from storage. Implemented by src/persistence/repositories/recovery.repository.ts. */
export interface RecoveryStore {
  /** Redelivers the expired and cancelled notifications of the next page of the range; where the next page starts. */
  redeliverPage(
    recoveryId: string,
    after: RecoveryCursor | null,
    limit: number,
    graceMs: number,
  ): Promise<{ dispatches: NotificationDispatch[]; next: RecoveryCursor | null }>;
  complete(recoveryId: string): Promise<void>;
}

/** Starts redeliveries' workflows, a bounded number at a time, and records the starts it saw confirmed. */
export interface RedeliveryStarter {
  /** Never throws; returns the IDs whose run now certainly exists. */
  dispatch(dispatches: NotificationDispatch[]): Promise<string[]>;
  markDispatched(ids: string[]): Promise<void>;
}
