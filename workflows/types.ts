import type { FirstAttemptMode, RecoveryCursor } from '../src/domain/delivery';
import type { TurnWait } from '../src/domain/ordering';
import type { DeliveryPolicy } from '../src/domain/retry-schedule';
import type { PurgeCounts } from '../src/domain/purge';
import type { DeliveryTrigger, FinalNotificationStatus, GateReason } from '../src/domain/statuses';

/** The workflows' vocabulary that is the domain's (type-only: workflow code imports no value from src/). */
export type { DeliveryPolicy, DeliveryTrigger, FirstAttemptMode, RecoveryCursor, TurnWait };

/**
 * Input of the deliver-notification workflow: IDs, times and the notification's own policy, never the payload.
 * Everything the delivery path needs to decide when and how long to try comes from here, not from a worker's config.
 */
export interface DeliverNotificationInput {
  notificationId: string;
  /** ISO-8601 creation time of the event; the window is counted from here. */
  eventCreatedAt: string;
  /** ISO-8601: no attempt starts later, an attempt in flight is cut off here. */
  expiresAt: string;
  policy: DeliveryPolicy;
  firstAttempt: FirstAttemptMode;
  /**
   * Recorded with each attempt of this run. A redelivery is a new run of the same workflow ID, with the fresh
   * window the redelivery gave. Absent in the input of runs started before redeliveries existed: `initial`.
   */
  trigger?: DeliveryTrigger;
  /**
   * Delivered in its ordering key's order (issue 22): it waits for its turn (the `turn` signal, or a look at the
   * database now and then) and, once it ended, tells its key's next notification. Absent before ordering existed.
   */
  ordered?: boolean;
  /** An ordered notification's first look at the database while it waits without a signal; 1 min when absent. */
  turnRecheckMs?: number;
  /**
   * The notification's environment, so that an attempt refused its environment's fair share is refused without a
   * query (the attempt still loads the notification, and its environment, before it is made). Absent in runs from before.
   */
  environmentId?: string;
}

/** What one attempt needs: passed to the activity as its argument. */
export interface AttemptRequest {
  notificationId: string;
  expiresAt: string;
  policy: DeliveryPolicy;
  /** What the attempts of this run are recorded as; `initial` when absent. */
  trigger?: DeliveryTrigger;
  /** The notification's environment (DeliverNotificationInput.environmentId), when the run's input has it. */
  environmentId?: string;
}

/** Carried by an `AttemptFailed` failure: which attempt failed and when the next one is due. */
export interface AttemptFailureDetails {
  attempt: number;
  /** ISO-8601, or null when no further attempt fits before the window closes. */
  nextAttemptAt: string | null;
}

/** The details of a `Gated` failure: why the notification waits at the gate, and for how long (not an attempt). */
export interface GatedDetails {
  reason: GateReason;
  waitMs: number;
}

/**
 * Delivering, held, or waiting for its turn (ordered) while the notification is pending; then the final status the
 * database recorded.
 */
export type NotificationWorkflowStatus = 'delivering' | 'held' | 'waiting' | FinalNotificationStatus;

export interface NotificationWorkflowState {
  notificationId: string;
  status: NotificationWorkflowStatus;
  /** When the delivery window closes (ISO-8601). */
  expiresAt: string;
  /** While it waits for its turn: the key's head it waits for. */
  waitsFor?: string;
}

/** Input of the recover-subscription workflow: the recovery's ID (its range and policy are in the database). */
export interface RecoverSubscriptionInput {
  recoveryId: string;
  /** null: from the start of the range. A run that continues as new carries it on. */
  after: RecoveryCursor | null;
  /** Notifications looked at per page. */
  pageSize: number;
  /** Pages per run: then the workflow continues as new, so its history stays small whatever the range holds. */
  pagesPerRun: number;
}

/** What one page did: where the next starts (null: the range is done), how many it redelivered and started. */
export interface RecoveryPage {
  next: RecoveryCursor | null;
  redelivered: number;
  started: number;
}

/** Input of the purge workflow (workflows/purge-data.ts), set by its schedule; a run that continues as new carries the rest on. */
export interface PurgeDataInput {
  /** RETENTION: how long after an event's last notification ended it is deleted, with its notifications and attempts. */
  retentionMs: number;
  /** RESPONSE_BODY_RETENTION: when shorter than retentionMs, attempts' response bodies are cleared after this long. */
  responseBodyRetentionMs: number;
  /** Rows (events, or attempts) per batch: one short transaction each. */
  batchSize: number;
  /** Batches per activity call. */
  batchesPerStep: number;
  /** Activity calls per run, then it continues as new. */
  stepsPerRun: number;
  /** Carried on by continue-as-new: the counts so far, the last event ID looked at, and the phase. */
  purged?: PurgeCounts;
  after?: string | null;
  phase?: 'events' | 'responseBodies' | 'done';
}
