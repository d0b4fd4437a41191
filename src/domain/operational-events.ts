/**
 * Operational events (issue 20): what the service tells the platform about its own deliveries. They are stored as
 * events of a hidden environment, OPERATIONS_ENVIRONMENT_ID, whose one subscription is the operational webhook the
 * admin API registers, and delivered like every notification (signed, retried, with the same window).
 */

/**
 * The hidden environment. It starts with `_`, which ENVIRONMENT_ID (environment-id.ts) refuses: no one can create
 * it, fetch it, name it in X-environment or issue a token for it through the API.
 */
export const OPERATIONS_ENVIRONMENT_ID = '_operations';

/** The types of operational event, declared in the platform catalog (src/persistence/migrations, operational types). */
export const OPERATIONAL_EVENT_TYPES = ['subscription.disabled', 'subscription.breaker_opened', 'subscription.breaker_closed', 'notification.expired'] as const;
export type OperationalEventType = (typeof OPERATIONAL_EVENT_TYPES)[number];

/** Why a notification expired: its attempts ran out before the window closed, or it was held (paused, disabled) then. */
export const EXPIRY_REASONS = ['exhausted', 'paused', 'disabled'] as const;
export type ExpiryReason = (typeof EXPIRY_REASONS)[number];

/**
 * What one operational event is about. The event's data is built from it: the environment, the subscription (ID and
 * URL), the notification when there is one (ID, event ID and type, attempts, expiresAt), the reason, and `details`
 * (e.g. a breaker's `until`) merged in at the top level.
 */
export interface OperationalEvent {
  type: OperationalEventType;
  environmentId: string;
  subscriptionId: string;
  notificationId: string | null;
  reason: string;
  details?: Record<string, unknown>;
}

/** No operational event is raised about the operational webhook itself: its own failures would feed themselves. */
export const raisesOperationalEvents = (environmentId: string): boolean => environmentId !== OPERATIONS_ENVIRONMENT_ID;
