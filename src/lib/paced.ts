/** What pacing waits with: a monotonic clock in milliseconds and a sleep (a test passes fake ones). */
export interface PaceClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: PaceClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Batches a second: each is a tenth of a second's worth of items. */
const BATCHES_A_SECOND = 10;

/**
 * Runs `each` over `items` in order, in batches of a tenth of a second's worth at `perSecond`: batch n starts no
 * sooner than n × its share of a second after the first, and once the one before has finished. So however many
 * items there are, no more than `perSecond` (rounded up to a whole batch) start in any second. `items` may be an
 * async iterable (pages read one at a time): it is read only as far as the next batch. `stopped()` true ends it
 * before the next batch (shutdown).
 */
export async function paced<T>(
  items: Iterable<T> | AsyncIterable<T>,
  perSecond: number,
  each: (batch: T[]) => Promise<void>,
  options: { clock?: PaceClock; stopped?: () => boolean } = {},
): Promise<void> {
  const clock = options.clock ?? realClock;
  const batchSize = Math.max(1, Math.floor(perSecond / BATCHES_A_SECOND));
  const intervalMs = (batchSize / perSecond) * 1_000;
  const start = clock.now();
  let n = 0;
  /** Sends one batch in its turn; false once stopped. */
  const send = async (batch: T[]): Promise<boolean> => {
    const wait = start + n++ * intervalMs - clock.now();
    if (wait > 0) await clock.sleep(wait);
    if (options.stopped?.()) return false;
    await each(batch);
    return true;
  };
  let batch: T[] = [];
  for await (const item of items) {
    batch.push(item);
    if (batch.length < batchSize) continue;
    if (!(await send(batch))) return;
    batch = [];
  }
  if (batch.length > 0) await send(batch);
}

/**
 * The items of `page(after)`, a page at a time, each page asked for after the last item of the one before (keyset
 * pagination), until a page is empty: however many there are, one page is held in memory.
 */
export async function* paged<T>(page: (after: T | null) => Promise<T[]>): AsyncGenerator<T> {
  for (let items = await page(null); items.length > 0; items = await page(items[items.length - 1])) yield* items;
}
