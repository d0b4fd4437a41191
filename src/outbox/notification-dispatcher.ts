import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import type { Config } from '../config/config';
import type { NotificationDispatch } from '../domain/delivery';
import type { OutboxRepository } from './outbox.repository';
import { Slots, SlotsClosedError } from '../lib/slots';
import { deliverNotification } from '../../workflows/deliver-notification';
import type { DeliverNotificationInput, FirstAttemptMode } from '../../workflows/types';
import { fairnessOf } from '../temporal/fairness';
import { SEARCH_ATTRIBUTE_KEYS } from '../temporal/search-attributes';
import { deliveryDetails, deliverySummary } from './workflow-metadata';

const keys = SEARCH_ATTRIBUTE_KEYS;

/** How long confirmed starts wait to be recorded together. */
const RECORD_DELAY_MS = 100;
/** Starts in flight at once in this process, publishes and the outbox relay together: a fan-out to 1,000 queues here. */
const MAX_CONCURRENT_STARTS = 32;
/**
 * Starts that may wait for one of those slots in this process. A notification that finds the queue this full is left
 * in the outbox for the relay: memory stays bounded however far publishes outrun Temporal. Well above a fan-out to
 * MAX_SUBSCRIPTIONS_PER_ENVIRONMENT's 1,000 subscriptions; a waiting start holds a few hundred bytes.
 */
const MAX_QUEUED_STARTS = 5_000;
/** Deadline of one start call, counted from when it gets one of the MAX_CONCURRENT_STARTS slots. */
const START_TIMEOUT_MS = 10_000;

export interface DispatcherOptions {
  client: Client;
  /** Where confirmed starts are recorded. */
  outbox: Pick<OutboxRepository, 'markDispatched'>;
  temporal: Config['temporal'];
  /** How the first attempt of the notifications this process starts runs. */
  firstAttempt: FirstAttemptMode;
  /** An ordered notification's first look at the database while it waits without a signal (ORDERING_RECHECK_INTERVAL). */
  orderingRecheckMs?: number;
  /** Eager start: only when a worker for the task queue runs in this process on the same connection. */
  eager: boolean;
  searchAttributes: boolean;
  /** TRACE_URL_TEMPLATE: a traced event's workflow details link its trace. */
  traceUrlTemplate?: string | null;
  warn: (message: string) => void;
  maxConcurrentStarts?: number;
  /** Starts that may wait for a slot (MAX_QUEUED_STARTS); 0: a start goes ahead only when a slot is free. */
  maxQueuedStarts?: number;
  startTimeoutMs?: number;
}

/** A start that did not answer by its deadline (the gRPC deadline should have ended it first). */
class StartDeadlineError extends Error {
  override readonly name = 'StartDeadlineError';
}

/**
 * Starts one deliver-notification workflow per notification. The workflow ID is the notification ID. At most
 * `maxConcurrentStarts` starts are in flight at once, each with a deadline, and at most `maxQueuedStarts` wait for
 * them; a notification whose start this process already holds is not started twice by it.
 */
export class NotificationDispatcher {
  private unrecorded: string[] = [];
  private recordTimer: NodeJS.Timeout | undefined;
  private readonly slots: Slots;
  private readonly maxQueuedStarts: number;
  /** The start of each notification this process holds (waiting for a slot or in flight), so that close() can wait for them. */
  private readonly holding = new Map<string, Promise<void>>();
  private readonly leftListeners: ((count: number) => void)[] = [];
  /** Notifications left to the relay since the queue was last found full (0: it has room). */
  private leftSinceFull = 0;
  private closing = false;

  constructor(private readonly options: DispatcherOptions) {
    this.slots = new Slots(options.maxConcurrentStarts ?? MAX_CONCURRENT_STARTS);
    this.maxQueuedStarts = options.maxQueuedStarts ?? MAX_QUEUED_STARTS;
  }

  /** Starts waiting for a slot now (the plude_outbox_starts_queued gauge). */
  get queuedStarts(): number {
    return this.slots.waiting;
  }

  /**
   * Tells `listener` how many notifications this process left in the outbox for the relay, each time it leaves some:
   * its start queue was full, or it was shutting down.
   */
  onLeftToRelay(listener: (count: number) => void): void {
    this.leftListeners.push(listener);
  }

  /**
   * Starts the workflows and waits for them; returns the IDs whose workflow now certainly exists (the caller records
   * them). Never throws. A notification whose start this process already holds (a publish's, still queued when the
   * relay claims its row) is left to that start, which records it: it is neither returned nor started again.
   */
  async dispatch(dispatches: NotificationDispatch[]): Promise<string[]> {
    const own = dispatches.filter((d) => !this.holding.has(d.notificationId));
    const results = await Promise.allSettled(own.map((d) => this.startInSlot(d)));
    const started: string[] = [];
    results.forEach((result, i) => {
      if (result.status === 'fulfilled') started.push(own[i].notificationId);
      else this.warnFailed(own[i], result.reason);
    });
    return started;
  }

  /**
   * Starts the workflows in the background and returns at once: the stored notifications are the durable outbox, so
   * the caller (a publish, a redelivery) answers as soon as they are committed, never behind other callers' starts.
   * Each start begins now when one of the `maxConcurrentStarts` slots is free, else waits for one in order of
   * arrival, and is recorded in the outbox once confirmed (one UPDATE per RECORD_DELAY_MS; a mark that is never
   * written only makes the outbox relay start the workflow again, which the server rejects as a duplicate). While
   * `maxQueuedStarts` already wait, further notifications are not queued: they stay in the outbox, untouched, and
   * the outbox relay starts them (onLeftToRelay tells it to look soon). A failed start also stays in the outbox.
   */
  startInBackground(dispatches: NotificationDispatch[]): void {
    let left = 0;
    for (const d of dispatches) {
      if (this.holding.has(d.notificationId)) continue;
      if (this.closing || (this.slots.full && this.slots.waiting >= this.maxQueuedStarts)) {
        left++;
        continue;
      }
      if (this.leftSinceFull > 0) {
        this.options.warn(`the workflow start queue has room again: ${this.leftSinceFull} notifications were left to the outbox relay meanwhile`);
        this.leftSinceFull = 0;
      }
      void this.startInSlot(d).then(
        () => this.record(d.notificationId),
        (err: unknown) => this.warnFailed(d, err),
      );
    }
    if (left === 0) return;
    if (!this.closing && this.leftSinceFull === 0)
      this.options.warn(`${this.slots.waiting} workflow starts are waiting: new notifications are left in the outbox for the outbox relay to start`);
    if (!this.closing) this.leftSinceFull += left;
    this.left(left);
  }

  /** Writes the pending dispatch marks now. */
  async flush(): Promise<void> {
    clearTimeout(this.recordTimer);
    this.recordTimer = undefined;
    const ids = this.unrecorded.splice(0);
    if (ids.length === 0) return;
    await this.options.outbox.markDispatched(ids).catch((err: Error) => this.options.warn(`recording dispatches failed: ${err.message}`));
  }

  /**
   * Shutdown: starts still waiting for a slot are not begun (their notifications stay in the outbox for the
   * relay), those in flight are awaited (each ends by its deadline), then every confirmed start is recorded.
   */
  async close(): Promise<void> {
    this.closing = true;
    const notBegun = this.slots.close();
    if (notBegun > 0) {
      this.options.warn(`shutting down: ${notBegun} workflow starts not begun, the outbox relay will start them`);
      this.left(notBegun);
    }
    await Promise.allSettled([...this.holding.values()]);
    await this.flush();
  }

  private startInSlot(d: NotificationDispatch): Promise<void> {
    const started = this.slots.run(() => this.startWithDeadline(d));
    this.holding.set(d.notificationId, started);
    void started
      .catch(() => undefined)
      .finally(() => {
        if (this.holding.get(d.notificationId) === started) this.holding.delete(d.notificationId);
      });
    return started;
  }

  private left(count: number): void {
    for (const listener of this.leftListeners) listener(count);
  }

  /**
   * The start call runs under a gRPC deadline (client.withDeadline; the worker's NativeConnection honours a
   * deadline but not an AbortSignal). The local timer only guarantees that the caller is answered even if the
   * transport kept retrying past it.
   */
  private async startWithDeadline(d: NotificationDispatch): Promise<void> {
    const timeoutMs = this.options.startTimeoutMs ?? START_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StartDeadlineError(`no answer within the start deadline of ${timeoutMs}ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.options.client.withDeadline(Date.now() + timeoutMs, () => this.start(d)), expired]);
    } finally {
      clearTimeout(timer);
    }
  }

  private record(notificationId: string): void {
    this.unrecorded.push(notificationId);
    this.recordTimer ??= setTimeout(() => void this.flush(), RECORD_DELAY_MS);
  }

  private warnFailed(d: NotificationDispatch, reason: unknown): void {
    // close() reports the starts it did not begin once, not one line each.
    if (this.closing && reason instanceof SlotsClosedError) return;
    this.options.warn(`workflow start for ${d.notificationId} failed, the outbox relay will retry: ${String(reason)}`);
  }

  /**
   * A first delivery is started with REJECT_DUPLICATE: whatever happens to the outbox mark (a lost write, a second relay
   * pass), a notification never gets a second run by accident, and a start that finds the workflow there
   * counts as done. A redelivery is started with ALLOW_DUPLICATE: a new run is allowed only once the earlier run has
   * closed (a running one is rejected), which is the point of a redelivery. Its duplicate is not "done": the run
   * found may be the earlier one, still closing, so the row stays in the outbox and the outbox relay tries again; the relay
   * starts only notifications that are still pending, and every run ends by writing a final status, so a redelivery
   * whose run has ended is never started again.
   */
  private async start(d: NotificationDispatch): Promise<void> {
    const { client, temporal, firstAttempt, eager, searchAttributes } = this.options;
    const redelivery = d.trigger === 'redeliver';
    const input: DeliverNotificationInput = {
      notificationId: d.notificationId,
      eventCreatedAt: d.eventCreatedAt.toISOString(),
      expiresAt: d.expiresAt.toISOString(),
      policy: d.policy,
      firstAttempt,
      trigger: d.trigger,
      environmentId: d.environmentId,
      // Only when ordered: the input of an unordered notification stays as it was before ordering existed.
      ...(d.ordered ? { ordered: true, ...(this.options.orderingRecheckMs ? { turnRecheckMs: this.options.orderingRecheckMs } : {}) } : {}),
    };
    try {
      await client.workflow.start(deliverNotification, {
        workflowId: d.notificationId,
        taskQueue: temporal.taskQueue,
        args: [input],
        workflowIdReusePolicy: redelivery ? 'ALLOW_DUPLICATE' : 'REJECT_DUPLICATE',
        requestEagerStart: eager,
        priority: fairnessOf(d.environmentId),
        staticSummary: deliverySummary(d),
        staticDetails: deliveryDetails(d, this.options.traceUrlTemplate),
        typedSearchAttributes: searchAttributes
          ? new TypedSearchAttributes([
              { key: keys.environment, value: d.environmentId },
              { key: keys.subscription, value: d.subscriptionId },
              { key: keys.event, value: d.eventId },
              { key: keys.eventType, value: d.eventType },
            ])
          : undefined,
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError) || redelivery) throw err;
    }
  }
}
