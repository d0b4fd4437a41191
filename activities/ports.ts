import type { HttpSender } from './http/sender';

/** What the delivery activity needs from storage. Implemented by src/persistence/repositories/delivery.repository.ts. */
export type NotificationStatus = 'pending' | 'succeeded' | 'expired' | 'cancelled';
export type SubscriptionStatus = 'active' | 'paused' | 'disabled';
export type DisabledReason = 'gone' | 'failing';

export interface DeliveryContext {
  notificationId: string;
  status: NotificationStatus;
  /** Attempts recorded so far: the next attempt is number attemptCount + 1. */
  attemptCount: number;
  /** The URL the notification was created with. */
  url: string;
  /** The event's environment allows private targets: the sender may connect to private addresses for it. */
  allowPrivateTargets: boolean;
  subscriptionId: string;
  /** Paused or disabled: the notification is held, no attempt is made. */
  subscriptionStatus: SubscriptionStatus;
  /** Every signing key of the subscription that has not expired; each one signs the notification. */
  secrets: string[];
  event: { id: string; type: string; environmentId: string; createdAt: Date; dataJson: string };
}

export interface AttemptRecord {
  attemptId: string;
  notificationId: string;
  startedAt: Date;
  endedAt: Date;
  statusCode: number | null;
  error: string | null;
  responseBody: string | null;
  /** A 2xx in time. A success that ends after the notification's expiresAt is not recorded as one. */
  succeeded: boolean;
  /** What the receiver asked for with Retry-After (429/503), in milliseconds. */
  retryAfterMs: number | null;
  /** When the next attempt starts; null after a success or when none fits before the window closes. */
  nextAttemptAt: Date | null;
}

export interface RecordedAttempt {
  /** The attempt's number: 1, 2, 3 … across the local first attempt and the retrying activity. */
  number: number;
  /** The notification's status after this attempt; `succeeded` and `expired` are final and never flip. */
  status: NotificationStatus;
}

export interface DeliveryStore {
  loadDelivery(notificationId: string): Promise<DeliveryContext | null>;
  /** Stores the attempt and updates the notification in one statement. */
  recordAttempt(record: AttemptRecord): Promise<RecordedAttempt>;
  /** Marks a still-pending notification expired; returns its final status either way (null when it is gone). */
  markExpired(notificationId: string): Promise<NotificationStatus | null>;
  /** Marks a still-pending notification cancelled (its workflow was cancelled); returns its final status. */
  markCancelled(notificationId: string): Promise<NotificationStatus | null>;
  /**
   * After a failed attempt: remembers since when the subscription has been failing, and disables it when the
   * receiver answered 410 Gone or when it has had no 2xx for `autoDisableAfterMs` (0: never). Returns the reason
   * when this call disabled it.
   */
  noteFailure(subscriptionId: string, failure: { at: Date; gone: boolean; autoDisableAfterMs: number }): Promise<DisabledReason | null>;
}

/** The part of the HTTPS sender (activities/http/sender.ts) that a delivery uses. */
export type DeliverySender = Pick<HttpSender, 'send'>;
