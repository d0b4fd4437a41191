import type { OutboxRepository } from './outbox.repository';
import type { NotificationDispatcher } from './notification-dispatcher';

/** How long a stored (or redelivered) notification may go unconfirmed before the relay starts its workflow. */
export const OUTBOX_GRACE_MS = 10_000;
/** Rows claimed at a time. At MAX_CONCURRENT_STARTS and START_TIMEOUT_MS a batch ends well within its lease. */
const BATCH = 100;
/**
 * How long a claim keeps other relay passes (in this process or another) off a row. A row whose start failed
 * keeps its claim, so it is tried again once the claim runs out, and never holds up the rows behind it.
 */
const CLAIM_LEASE_MS = 120_000;
/** While the dispatcher leaves notifications to the relay, the next pass runs this soon after the one before. */
const HURRIED_INTERVAL_MS = 1_000;
/** Hurried passes go on this long past the grace of the last notification left: room for the clocks' skew. */
const HURRY_MARGIN_MS = 2_000;

export interface RelayOptions {
  batchSize?: number;
  claimLeaseMs?: number;
  /** Told how many workflows each batch started (the metrics count them). */
  onStarted?: (count: number) => void;
}

/**
 * The outbox relay, the outbox's other half: finds notifications whose workflow start was never confirmed (the process died
 * between storing the event and starting, Temporal was unreachable, or the dispatcher's start queue was full) and
 * starts them. Any number of API processes may run it: rows are claimed (FOR UPDATE SKIP LOCKED, with a lease), so
 * each is started by one of them. Starting twice would still be harmless: the workflow ID is the notification ID and
 * duplicates are rejected (a redelivery allows a new run only after the earlier one closed, and only pending
 * notifications are started: see NotificationDispatcher.start); a row whose start this process's dispatcher still
 * holds is left to that start. Rows of notifications that are no longer pending leave the outbox unstarted.
 *
 * A pass runs every `intervalMs`; while the dispatcher leaves notifications in the outbox (its start queue is full),
 * one runs every HURRIED_INTERVAL_MS instead, until the last one left is past its grace and a pass has looked: a
 * backlog left to the relay is started from OUTBOX_GRACE_MS after it was stored, not a whole interval later.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private passing = false;
  private stopping = false;
  private intervalMs: number | undefined;
  /** When the next pass is due (Date.now()). */
  private nextAt = 0;
  /** Passes that begin before this (Date.now()) are followed by another within HURRIED_INTERVAL_MS. */
  private hurryUntil = 0;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly dispatcher: NotificationDispatcher,
    private readonly warn: (message: string) => void,
    private readonly options: RelayOptions = {},
  ) {
    dispatcher.onLeftToRelay(() => this.hurry());
  }

  /** Runs one pass now, then one every `intervalMs`. */
  start(intervalMs: number): void {
    this.intervalMs = intervalMs;
    this.schedule(0);
  }

  /** Asks a running pass to end after its current batch, and waits for it. */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.stopping = true;
    await this.running;
  }

  /**
   * Notifications were just left in the outbox for the relay: passes run every HURRIED_INTERVAL_MS until one has
   * begun after their grace (OUTBOX_GRACE_MS) has passed. Nothing before start() or after stop().
   */
  hurry(): void {
    this.hurryUntil = Date.now() + OUTBOX_GRACE_MS + HURRY_MARGIN_MS;
    // A pass running now schedules the next when it ends.
    if (this.intervalMs === undefined || this.stopping || this.passing) return;
    if (this.nextAt - Date.now() > HURRIED_INTERVAL_MS) this.schedule(HURRIED_INTERVAL_MS);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.nextAt = Date.now() + delayMs;
    this.timer = setTimeout(() => this.tick(), delayMs).unref();
  }

  private tick(): void {
    const startedAt = Date.now();
    this.passing = true;
    this.running = this.runOnce()
      .then(() => undefined)
      .catch((err: Error) => this.warn(`outbox relay failed: ${err.message}`))
      .finally(() => {
        this.passing = false;
        if (!this.stopping) this.schedule(startedAt < this.hurryUntil ? HURRIED_INTERVAL_MS : (this.intervalMs ?? 0));
      });
  }

  /**
   * One pass: claims batches of unconfirmed rows until none is left that this pass has not claimed, and starts
   * them. A failed start does not end the pass. Returns how many notifications it started.
   */
  async runOnce(graceMs = OUTBOX_GRACE_MS): Promise<number> {
    await this.outbox.settleFinished();
    const passStartedAt = await this.outbox.databaseNow();
    let total = 0;
    while (!this.stopping) {
      const batch = await this.outbox.claimUndispatched({
        olderThanMs: graceMs,
        notClaimedSince: passStartedAt,
        leaseMs: this.options.claimLeaseMs ?? CLAIM_LEASE_MS,
        limit: this.options.batchSize ?? BATCH,
      });
      if (batch.length === 0) break;
      const started = await this.dispatcher.dispatch(batch);
      await this.outbox.markDispatched(started);
      if (started.length > 0) this.options.onStarted?.(started.length);
      total += started.length;
    }
    return total;
  }
}
