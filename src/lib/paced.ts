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
 * items there are, no more than `perSecond` (rounded up to a whole batch) start in any second. `stopped()` true ends
 * it before the next batch (shutdown).
 */
export async function paced<T>(
  items: readonly T[],
  perSecond: number,
  each: (batch: T[]) => Promise<void>,
  options: { clock?: PaceClock; stopped?: () => boolean } = {},
): Promise<void> {
  const clock = options.clock ?? realClock;
  const batchSize = Math.max(1, Math.floor(perSecond / BATCHES_A_SECOND));
  const intervalMs = (batchSize / perSecond) * 1_000;
  const start = clock.now();
  for (let first = 0, n = 0; first < items.length; first += batchSize, n++) {
    const wait = start + n * intervalMs - clock.now();
    if (wait > 0) await clock.sleep(wait);
    if (options.stopped?.()) return;
    await each(items.slice(first, first + batchSize));
  }
}
