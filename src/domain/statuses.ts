/**
 * Every status of the product, declared once: each set is a list (for the OpenAPI enums and validators) and the type
 * of its members (for the entities, DTOs, the CLI, the activities and, by `import type`, the workflows). A subset
 * that a rule needs is declared here too, and `satisfies` checks it against its set.
 */

/**
 * A notification: `pending` until its delivery ends; the others are final. `skipped`: an operator ended it without
 * delivering it (POST /notifications/:id/skip), so that the notifications of its ordering key behind it go on.
 */
export const NOTIFICATION_STATUSES = ['pending', 'succeeded', 'expired', 'cancelled', 'skipped'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/** A notification's delivery has ended: the status never flips again, except by a redelivery (back to `pending`). */
export type FinalNotificationStatus = Exclude<NotificationStatus, 'pending'>;

/**
 * What did not succeed and is no longer being delivered: what a recovery redelivers. A skipped notification is not
 * among them: an operator chose not to deliver it (a redelivery of that one notification still may).
 */
export const RECOVERABLE_NOTIFICATION_STATUSES = ['expired', 'cancelled'] as const satisfies readonly FinalNotificationStatus[];
export type RecoverableNotificationStatus = (typeof RECOVERABLE_NOTIFICATION_STATUSES)[number];

/** The final statuses the delivery itself writes (the workflow's ends); `skipped` only comes from an operator. */
export type EndedNotificationStatus = Exclude<FinalNotificationStatus, 'succeeded'>;

/**
 * A subscription's ordering: `none` (the default: each notification is delivered on its own) or `key` (an event's
 * `orderingKey` orders the subscription's notifications of that key: none is attempted until every earlier one ended).
 */
export const SUBSCRIPTION_ORDERINGS = ['none', 'key'] as const;
export type SubscriptionOrdering = (typeof SUBSCRIPTION_ORDERINGS)[number];

/** A subscription: `paused` by its owner, `disabled` by the service (see DisabledReason); both hold its notifications. */
export const SUBSCRIPTION_STATUSES = ['active', 'paused', 'disabled'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** The statuses a subscription's owner may set (`active` also re-enables a disabled one). */
export const SETTABLE_SUBSCRIPTION_STATUSES = ['active', 'paused'] as const satisfies readonly SubscriptionStatus[];
export type SettableSubscriptionStatus = (typeof SETTABLE_SUBSCRIPTION_STATUSES)[number];

/** The statuses that hold a subscription's pending notifications: no attempt until it is active again. */
export const HOLDING_SUBSCRIPTION_STATUSES = ['paused', 'disabled'] as const satisfies readonly SubscriptionStatus[];
export type HoldingSubscriptionStatus = (typeof HOLDING_SUBSCRIPTION_STATUSES)[number];

/** Why the service disabled a subscription: `gone` (the receiver answered 410) or `failing` (no 2xx for too long). */
export const DISABLED_REASONS = ['gone', 'failing'] as const;
export type DisabledReason = (typeof DISABLED_REASONS)[number];

/**
 * A subscription's circuit breaker (issue 20): `closed` lets attempts through; `open` holds every notification of the
 * subscription until `breaker_until`; `half-open` lets exactly one probe through, whose 2xx closes it.
 */
export const BREAKER_STATES = ['closed', 'open', 'half-open'] as const;
export type BreakerState = (typeof BREAKER_STATES)[number];

/**
 * Why a notification waits at the delivery gate instead of being attempted (a metric's label): its subscription's rate,
 * its cap on attempts in flight, its breaker, or its environment's fair share of the worker (src/domain/fair-share.ts).
 */
export const GATE_REASONS = ['rate', 'in_flight', 'breaker', 'environment'] as const;
export type GateReason = (typeof GATE_REASONS)[number];

/** What an attempt delivered for: the event's publish, or a redelivery (one notification, or a recovery's). */
export const DELIVERY_TRIGGERS = ['initial', 'redeliver'] as const;
export type DeliveryTrigger = (typeof DELIVERY_TRIGGERS)[number];

/** A recovery: `running` while its workflow starts redeliveries, `completed` once all are, `failed` if it never started. */
export const RECOVERY_STATUSES = ['running', 'completed', 'failed'] as const;
export type RecoveryStatus = (typeof RECOVERY_STATUSES)[number];
