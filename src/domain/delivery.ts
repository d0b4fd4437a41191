/**
 * The vocabulary of a delivery, shared by the activity that makes it (activities/), the storage that records it
 * (src/persistence) and the metrics that count it (src/observability): framework-free, imported by all three, so
 * none of them imports another.
 */

import type { BreakerChange, BreakerSnapshot, GateSettings, GateState } from './gate';
import type { TurnWait } from './ordering';
import type { DeliveryPolicy } from './retry-schedule';
import {
  type BreakerState,
  type DeliveryTrigger,
  type GateReason,
  type DisabledReason,
  HOLDING_SUBSCRIPTION_STATUSES,
  type NotificationStatus,
  type SubscriptionStatus,
} from './statuses';

export type { BreakerState, DeliveryTrigger, DisabledReason, GateReason, NotificationStatus, SubscriptionStatus };

/** How the first attempt runs: inside the first workflow task as a local activity, or as the regular activity. */
export type FirstAttemptMode = 'local' | 'activity';

export interface DeliveryContext {
  notificationId: string;
  status: NotificationStatus;
  /** Attempts recorded so far: the next attempt is number attemptCount + 1. */
  attemptCount: number;
  /** The subscription's current URL: every attempt goes there, so a change of URL re-routes the next attempt. */
  url: string;
  /** The event's environment allows private targets: the sender may connect to private addresses for it. */
  allowPrivateTargets: boolean;
  subscriptionId: string;
  /** Paused or disabled: the notification is held, no attempt is made. */
  subscriptionStatus: SubscriptionStatus;
  /** The subscription was deleted: no attempt is made, the notification ends as cancelled. */
  subscriptionDeleted: boolean;
  /** Every signing key of the subscription that has not expired; each one signs the notification. */
  secrets: string[];
  /** The subscription's limits and breaker, and this notification's reserved slot (src/domain/gate.ts). */
  gate: GateState;
  /** An ordered notification that is not its key's head yet: the head it waits for (null: its turn, or unordered). */
  waitsFor?: TurnWait | null;
  /** `test`: a test event (POST /webhooks/subscriptions/:id/test), sent with `webhook-test: true`. */
  event: { id: string; type: string; environmentId: string; createdAt: Date; dataJson: string; test?: boolean };
  /** The load also started the attempt (loadDelivery's `start`): marked in flight as startAttempt would have. */
  started?: boolean;
}

/**
 * Asks loadDelivery to start the attempt in the same statement, for `forMs`, when it will go straight to its POST:
 * pending, its turn, its subscription active, and the gate free under these defaults (src/domain/gate.ts gateIsFree).
 */
export interface DeliveryStart {
  forMs: number;
  gate: Pick<GateSettings, 'defaultRateLimit' | 'defaultMaxInFlight' | 'releaseRate'>;
}

export interface AttemptRecord {
  attemptId: string;
  notificationId: string;
  /** Where the POST went. */
  url: string;
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
  /** The first delivery of the notification, or a redelivery (numbering goes on across both). */
  trigger: DeliveryTrigger;
  /** The headers of the POST, the very object handed to the sender (signature included); never logged. */
  requestHeaders: Record<string, string>;
}

export interface RecordedAttempt {
  /** The attempt's number: 1, 2, 3 … across the local first attempt and the retrying activity. */
  number: number;
  /** The notification's status after this attempt; `succeeded` and `expired` are final and never flip. */
  status: NotificationStatus;
}

/** What the delivery activity needs from storage. Implemented by src/persistence/repositories/delivery.repository.ts. */
/** The attempt that changed a breaker: what an operational `subscription.breaker_opened` reports. */
export interface BreakerAttempt {
  notificationId: string;
  /** The receiver asked to wait (429 or 503 with Retry-After), rather than failing once too often. */
  retryAfter: boolean;
}

export interface DeliveryStore {
  /** With `start`, also starts the attempt when nothing stands before its POST (`started` says whether it did). */
  loadDelivery(notificationId: string, start?: DeliveryStart): Promise<DeliveryContext | null>;
  /**
   * Marks an attempt of a still-pending notification as in flight for up to `forMs` (a delete of its subscription
   * waits for it); false when the notification is no longer pending (cancelled meanwhile): no POST may be made then.
   */
  startAttempt(notificationId: string, forMs: number): Promise<boolean>;
  /** Ends the mark of an attempt started (by the load) that makes no POST after all: a delete then need not wait. */
  endAttempt(notificationId: string): Promise<void>;
  /** Stores the attempt (which ends its time in flight) and updates the notification in one statement. */
  recordAttempt(record: AttemptRecord): Promise<RecordedAttempt>;
  /**
   * Marks a still-pending notification expired, if its window is the one that closed (`expiresAt`, when given, is at
   * or after its expires_at); returns its final status either way (null when it is gone).
   */
  markExpired(notificationId: string, expiresAt: Date | null): Promise<NotificationStatus | null>;
  /** Marks a still-pending notification cancelled (its workflow was cancelled); returns its final status. */
  markCancelled(notificationId: string): Promise<NotificationStatus | null>;
  /**
   * After a failed attempt: remembers since when the subscription has been failing, and disables it when the
   * receiver answered 410 Gone or when it has had no 2xx for `autoDisableAfterMs` (0: never). Returns the reason
   * when this call disabled it. `notificationId`: the notification whose attempt failed (operational events name it).
   */
  noteFailure(
    subscriptionId: string,
    failure: { at: Date; gone: boolean; autoDisableAfterMs: number; notificationId?: string },
  ): Promise<DisabledReason | null>;
  /** Makes this notification the breaker's probe if its time is up and no other has claimed it; true if it did. */
  claimProbe(subscriptionId: string, leaseMs: number): Promise<boolean>;
  /** Reserves the subscription's next free slot (slots `everyMs` apart) for this notification; ms from now until it. */
  reserveSlot(subscriptionId: string, notificationId: string, everyMs: number): Promise<number>;
  /** Takes one of the subscription's `max` in-flight leases for `leaseMs`; false when all are taken. */
  acquireLease(subscriptionId: string, notificationId: string, max: number, leaseMs: number): Promise<boolean>;
  releaseLease(subscriptionId: string, notificationId: string): Promise<void>;
  /** Applies `change` to the breaker as it is now (locked meanwhile); the state before and after, null if nothing changed. */
  updateBreaker(
    subscriptionId: string,
    change: (current: BreakerSnapshot) => BreakerChange | null,
    attempt?: BreakerAttempt | null,
  ): Promise<{ before: BreakerState; after: BreakerState } | null>;
}

/** How an attempt ended, as the metrics count it: the class of the receiver's status, a timeout or a network error. */
export type AttemptOutcome = '2xx' | '3xx' | '4xx' | '5xx' | 'timeout' | 'network_error';

export function attemptOutcome(statusCode: number | null, timedOut: boolean): AttemptOutcome {
  if (statusCode === null) return timedOut ? 'timeout' : 'network_error';
  if (statusCode >= 500) return '5xx';
  if (statusCode >= 400) return '4xx';
  if (statusCode >= 300 || statusCode < 200) return '3xx';
  return '2xx';
}

/** What the delivery activity reports to the process's metrics. Implemented by src/observability/metrics.ts. */
export interface DeliveryMetrics {
  attempt(outcome: AttemptOutcome): void;
  /** A notification delivered: the time from its event's creation to the 2xx. */
  delivered(latencyMs: number): void;
  /** A notification told to wait at the gate (not an attempt). */
  gated(reason: GateReason): void;
  /** A subscription's breaker changed state. */
  breakerChanged(to: BreakerState): void;
  /** An ordered notification was not attempted: an earlier one of its key has not ended (issue 22). */
  waitedForTurn?(): void;
}

/** What it takes to start a notification's workflow: an outbox row (src/outbox/outbox.repository.ts). */
export interface NotificationDispatch {
  notificationId: string;
  subscriptionId: string;
  environmentId: string;
  eventId: string;
  eventType: string;
  eventCreatedAt: Date;
  expiresAt: Date;
  /** The policy stored with the notification (when it was created, or last redelivered). */
  policy: DeliveryPolicy;
  /** The URL the notification is delivered to (its host names the workflow in the Web UI). */
  url: string;
  /** `redeliver`: a new run of a workflow ID whose earlier run has closed. */
  trigger: DeliveryTrigger;
  /** Delivered in its ordering key's order (issue 22): its workflow waits for its turn and passes the turn on. */
  ordered?: boolean;
  /** The trace of the publish that stored its event (issue 24); absent or null: untraced. */
  traceId?: string | null;
}

/** Where a recovery has got to: the last notification it looked at, by (created_at as PostgreSQL writes it, ID). */
export interface RecoveryCursor {
  at: string;
  id: string;
}

/** What Temporal's describe tells of a pending notification's workflow (src/temporal/notification-inspector.ts). */
export interface WorkflowView {
  /** The workflow's status (RUNNING while it delivers or holds). */
  workflowStatus: string;
  /** The retrying activity's attempt as Temporal counts it (what the Web UI shows); null when no activity is scheduled. */
  activityAttempt: number | null;
  /** The last failure Temporal recorded for it, e.g. "attempt 4 → HTTP 500". */
  lastFailure: string | null;
  /** When Temporal will run the next attempt, while it waits to retry. */
  nextRetryAt: string | null;
}

/** What Temporal knows of a pending notification that the database does not, and whether its workflow holds it. */
export interface LiveDelivery extends WorkflowView {
  /**
   * The workflow waits for its subscription to be active again: it runs, no activity is scheduled, and the
   * subscription is paused or disabled (the database's status; null when the subscription is gone).
   */
  held: boolean | null;
}

/**
 * The live view from describe and the database alone: no workflow query, so a read never makes a worker replay a
 * history. A workflow that sleeps before its next try while its subscription is paused counts as held: that try
 * will find the subscription paused and hold.
 */
export function liveDeliveryOf(view: WorkflowView, subscriptionStatus: SubscriptionStatus | null): LiveDelivery {
  const holding = (HOLDING_SUBSCRIPTION_STATUSES as readonly string[]).includes(subscriptionStatus ?? '');
  const held = subscriptionStatus === null ? null : view.workflowStatus === 'RUNNING' && view.activityAttempt === null && holding;
  return { ...view, held };
}
