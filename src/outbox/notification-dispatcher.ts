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
/** The longest a publish waits for its workflow starts; the rest go on in the background. */
const START_WAIT_MS = 5_000;
/** Starts in flight at once in this process, publishes and the outbox relay together: a fan-out to 1,000 queues here. */
const MAX_CONCURRENT_STARTS = 32;
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
  startWaitMs?: number;
  maxConcurrentStarts?: number;
  startTimeoutMs?: number;
}

/** A start that did not answer by its deadline (the gRPC deadline should have ended it first). */
class StartDeadlineError extends Error {
  override readonly name = 'StartDeadlineError';
}

/**
 * Starts one deliver-notification workflow per notification. The workflow ID is the notification ID. At most
 * `maxConcurrentStarts` starts are in flight at once; each has a deadline.
 */
export class NotificationDispatcher {
  private unrecorded: string[] = [];
  private recordTimer: NodeJS.Timeout | undefined;
  private readonly slots: Slots;
  /** Every start this process has begun and not yet seen settle, so that close() can wait for them. */
  private readonly inFlight = new Set<Promise<unknown>>();
  private closing = false;

  constructor(private readonly options: DispatcherOptions) {
    this.slots = new Slots(options.maxConcurrentStarts ?? MAX_CONCURRENT_STARTS);
  }

  /** Starts the workflows; returns the IDs whose workflow now certainly exists. Never throws. */
  async dispatch(dispatches: NotificationDispatch[]): Promise<string[]> {
    const results = await Promise.allSettled(dispatches.map((d) => this.startInSlot(d)));
    const started: string[] = [];
    results.forEach((result, i) => {
      if (result.status === 'fulfilled') started.push(dispatches[i].notificationId);
      else this.warnFailed(dispatches[i], result.reason);
    });
    return started;
  }

  /**
   * Starts the workflows and records each confirmed start in the outbox as it comes. The caller waits for the
   * first batch of starts (as many as run at once), at most `startWaitMs`: the stored notifications are the durable
   * outbox, so a fan-out to 1,000 subscriptions answers without waiting for 1,000 starts. The rest carry on in the
   * background and are recorded when confirmed, so a big fan-out does not wait for the outbox relay either. Marks
   * are batched (one UPDATE per RECORD_DELAY_MS); a mark that is never written only makes the outbox relay start the
   * workflow again, which the server rejects as a duplicate.
   */
  async dispatchAndRecord(dispatches: NotificationDispatch[]): Promise<void> {
    const starts = dispatches.map((d) =>
      this.startInSlot(d).then(
        () => this.record(d.notificationId),
        (err: unknown) => this.warnFailed(d, err),
      ),
    );
    const all = Promise.all(starts.slice(0, this.slots.size));
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.options.startWaitMs ?? START_WAIT_MS)));
    await Promise.race([all, waited]);
    clearTimeout(timer);
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
    if (notBegun > 0) this.options.warn(`shutting down: ${notBegun} workflow starts not begun, the outbox relay will start them`);
    await Promise.allSettled([...this.inFlight]);
    await this.flush();
  }

  private startInSlot(d: NotificationDispatch): Promise<void> {
    const started = this.slots.run(() => this.startWithDeadline(d));
    this.inFlight.add(started);
    void started.catch(() => undefined).finally(() => this.inFlight.delete(started));
    return started;
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
