import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { releaseSignal, turnSignal } from '../../workflows/definitions';
import { paced, paged } from '../lib/paced';
import { Slots } from '../lib/slots';

const CONCURRENCY = 16;
const CALL_TIMEOUT_MS = 10_000;
/** RELEASE_SIGNAL_RATE's default. */
const RELEASE_SIGNALS_A_SECOND = 200;
/** Held notification IDs a release reads at a time. */
const RELEASE_PAGE = 500;

/** A page of notification IDs after `after` (null: the first page), at most `limit`, in ID order. */
export type IdPage = (after: string | null, limit: number) => Promise<string[]>;

/**
 * Tells running notification workflows what the API changed: `release` (the subscription is active again: attempt
 * now) and `cancel` (the subscription was deleted). The database is changed first and decides; a signal or cancel
 * that is lost only delays the workflow until it next looks (a held workflow re-checks hourly, a cancelled
 * notification makes no further attempt). Calls run in the background, a bounded number at a time; a release's
 * signals also go out at a bounded rate (RELEASE_SIGNAL_RATE), in batches, however many notifications were held:
 * the delivery gate paces their attempts, this paces the signals that wake them. The held notifications' IDs are read
 * a page at a time as the signals go out, so a release holds one page in memory however many there are.
 */
export class NotificationSignals {
  private readonly slots = new Slots(CONCURRENCY);
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;

  constructor(
    private readonly client: Client,
    private readonly warn: (message: string) => void,
    private readonly releaseSignalsASecond = RELEASE_SIGNALS_A_SECOND,
    /** IDs a release reads per page (a test sets a small one). */
    private readonly releasePageSize = RELEASE_PAGE,
  ) {}

  /**
   * Signals the workflows of the notifications `page` lists, read a page at a time (keyset: each page after the last
   * ID of the one before, until one is empty) as the paced signals use them up. Resolves once every workflow has
   * been signalled (or the attempt failed and was logged), or at shutdown.
   */
  release(page: IdPage): Promise<void> {
    const ids = paged<string>((after) => page(after, this.releasePageSize));
    const all = paced(ids, this.releaseSignalsASecond, (batch) => this.each(batch, 'release', (handle) => handle.signal(releaseSignal)), {
      stopped: () => this.closed,
    }).catch((err: unknown) => this.warn(`release of a resumed subscription's notifications stopped: ${String(err)}`));
    return this.tracked(all);
  }

  /** `turn` (issue 22): a notification of their ordering key ended, so they look again whether it is their turn. */
  turn(notificationIds: string[]): Promise<void> {
    return this.each(notificationIds, 'turn', (handle) => handle.signal(turnSignal));
  }

  cancel(notificationIds: string[]): Promise<void> {
    return this.each(notificationIds, 'cancel', (handle) => handle.cancel());
  }

  /**
   * Cancels the workflows of the notifications `page(after)` lists, a page at a time (the next page is read once
   * this one's cancels are done), until a page is empty: however many there are, only a page is held in memory.
   */
  cancelPaged(page: (after: string | null) => Promise<string[]>): Promise<void> {
    const all = (async () => {
      for (let ids = await page(null); ids.length > 0 && !this.closed; ids = await page(ids[ids.length - 1])) await this.cancel(ids);
    })().catch((err: unknown) => this.warn(`cancel of a deleted subscription's notifications stopped: ${String(err)}`));
    return this.tracked(all);
  }

  /** Waits for the calls in flight (shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    this.slots.close();
    await Promise.allSettled([...this.inFlight]);
  }

  private each(ids: string[], what: string, call: (handle: ReturnType<Client['workflow']['getHandle']>) => Promise<unknown>): Promise<void> {
    const all = Promise.all(
      ids.map((id) =>
        this.slots
          .run(() => this.client.withDeadline(Date.now() + CALL_TIMEOUT_MS, () => call(this.client.workflow.getHandle(id))))
          .catch((err: unknown) => {
            // A workflow that has already closed needs nothing.
            if (!(err instanceof WorkflowNotFoundError)) this.warn(`${what} of ${id} failed: ${String(err)}`);
          }),
      ),
    ).then(() => undefined);
    return this.tracked(all);
  }

  private tracked(all: Promise<void>): Promise<void> {
    this.inFlight.add(all);
    void all.finally(() => this.inFlight.delete(all));
    return all;
  }
}
