import type { HttpSender } from './http/sender';

/** What the delivery activity needs from storage. Implemented by src/persistence/repositories/delivery.repository.ts. */
export type NotificationStatus = 'pending' | 'succeeded' | 'expired';

export interface DeliveryContext {
  notificationId: string;
  status: NotificationStatus;
  url: string;
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
  succeeded: boolean;
  nextAttemptAt: Date | null;
}

export interface DeliveryStore {
  loadDelivery(notificationId: string): Promise<DeliveryContext | null>;
  /** Stores the attempt and updates the notification in one statement; returns the attempt's number. */
  recordAttempt(record: AttemptRecord): Promise<number>;
  markExpired(notificationId: string): Promise<void>;
}

/** The part of the HTTPS sender (activities/http/sender.ts) that a delivery uses. */
export type DeliverySender = Pick<HttpSender, 'send'>;
