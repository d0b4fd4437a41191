/** Failure types the delivery activity throws that must not be retried (shared by workflow and activity). */
export const NON_RETRYABLE = { windowClosed: 'DeliveryWindowClosed', notFound: 'NotificationNotFound' } as const;

/** Input of the deliver-notification workflow: IDs and the event's creation time, never the payload. */
export interface DeliverNotificationInput {
  notificationId: string;
  /** ISO-8601; the delivery window is counted from here, not from the workflow's start. */
  eventCreatedAt: string;
  retry: {
    initialIntervalMs: number;
    backoffCoefficient: number;
    maximumIntervalMs: number;
    windowMs: number;
    /** Upper bound of one HTTP attempt (DELIVERY_TIMEOUT). */
    attemptTimeoutMs: number;
  };
}

export type NotificationWorkflowStatus = 'delivering' | 'succeeded' | 'expired';

export interface NotificationWorkflowState {
  notificationId: string;
  status: NotificationWorkflowStatus;
  /** When the delivery window closes (ISO-8601). */
  deadline: string;
}
