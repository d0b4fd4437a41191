import { cachedFor } from '../../src/lib/cached-for';
import { Metrics, PENDING_COUNT_MAX_AGE_MS } from '../../src/observability/metrics';

/** A clock the test moves by hand. */
function clock() {
  let now = 1_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const pendingOf = (text: string) => Number(/^plude_notifications_pending (\d+)$/m.exec(text)?.[1]);

describe('plude_notifications_pending: counted at most every PENDING_COUNT_MAX_AGE_MS, whatever the scrape rate', () => {
  it('a scrape within that time gets the last count; concurrent scrapes share one count; the first scrape after counts again', async () => {
    const time = clock();
    let counts = 0;
    let release!: () => void;
    let hold = Promise.resolve();
    const metrics = new Metrics({
      pendingNotifications: async () => {
        counts++;
        await hold;
        return counts * 10;
      },
      now: time.now,
    });
    expect(pendingOf(await metrics.text())).toBe(10);
    for (let i = 0; i < 20; i++) {
      time.advance(Math.floor(PENDING_COUNT_MAX_AGE_MS / 20) - 1);
      expect(pendingOf(await metrics.text())).toBe(10);
    }
    expect(counts).toBe(1);

    time.advance(20);
    hold = new Promise((resolve) => (release = resolve));
    const scrapes = Promise.all(Array.from({ length: 10 }, () => metrics.text()));
    release();
    expect((await scrapes).map(pendingOf)).toEqual(Array(10).fill(20));
    expect(counts).toBe(2);
  });
});

describe('cachedFor', () => {
  it('does not keep a failure: the next call runs again', async () => {
    const time = clock();
    let calls = 0;
    const read = cachedFor(5_000, () => (++calls === 1 ? Promise.reject(new Error('database down')) : Promise.resolve(calls)), time.now);
    await expect(read()).rejects.toThrow('database down');
    expect(await read()).toBe(2);
    expect(await read()).toBe(2);
    time.advance(5_000);
    expect(await read()).toBe(3);
  });
});
