import type { NotificationRepository } from '../persistence/repositories/notification.repository';
import type { NotificationDispatcher } from './notification-dispatcher';

/** How long a stored notification may go unconfirmed before recovery starts its workflow. */
const GRACE_MS = 10_000;
const BATCH = 500;

/**
 * The outbox's other half: finds notifications whose workflow start was never confirmed (the process died
 * between storing the event and starting, or Temporal was unreachable) and starts them. Starting twice is
 * harmless: the workflow ID is the notification ID and duplicates are rejected.
 */
export class DispatchRecovery {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly notifications: NotificationRepository,
    private readonly dispatcher: NotificationDispatcher,
    private readonly warn: (message: string) => void,
  ) {}

  /** Runs one pass now, then one every `intervalMs`. */
  start(intervalMs: number): void {
    const tick = () => {
      this.running = this.runOnce()
        .then(() => undefined)
        .catch((err: Error) => this.warn(`dispatch recovery failed: ${err.message}`))
        .finally(() => {
          if (this.timer !== undefined) this.timer = setTimeout(tick, intervalMs).unref();
        });
    };
    this.timer = setTimeout(tick, 0).unref();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass; returns how many notifications it started. */
  async runOnce(graceMs = GRACE_MS): Promise<number> {
    let total = 0;
    for (;;) {
      const batch = await this.notifications.findUndispatched(graceMs, BATCH);
      if (batch.length === 0) return total;
      const started = await this.dispatcher.dispatch(batch);
      await this.notifications.markDispatched(started);
      total += started.length;
      if (started.length < batch.length) return total;
    }
  }
}
