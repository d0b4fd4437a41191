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

export interface RelayOptions {
  batchSize?: number;
  claimLeaseMs?: number;
  /** Told how many workflows each batch started (the metrics count them). */
  onStarted?: (count: number) => void;
}

/**
 * The outbox relay, the outbox's other half: finds notifications whose workflow start was never confirmed (the process died
 * between storing the event and starting, or Temporal was unreachable) and starts them. Any number of API processes
 * may run it: rows are claimed (FOR UPDATE SKIP LOCKED, with a lease), so each is started by one of them. Starting
 * twice would still be harmless: the workflow ID is the notification ID and duplicates are rejected (a redelivery
 * allows a new run only after the earlier one closed, and only pending notifications are started: see
 * NotificationDispatcher.start). Rows of notifications that are no longer pending leave the outbox unstarted.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopping = false;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly dispatcher: NotificationDispatcher,
    private readonly warn: (message: string) => void,
    private readonly options: RelayOptions = {},
  ) {}

  /** Runs one pass now, then one every `intervalMs`. */
  start(intervalMs: number): void {
    const tick = () => {
      this.running = this.runOnce()
        .then(() => undefined)
        .catch((err: Error) => this.warn(`outbox relay failed: ${err.message}`))
        .finally(() => {
          if (this.timer !== undefined) this.timer = setTimeout(tick, intervalMs).unref();
        });
    };
    this.timer = setTimeout(tick, 0).unref();
  }

  /** Asks a running pass to end after its current batch, and waits for it. */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.stopping = true;
    await this.running;
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
