import type { Client } from '@temporalio/client';
import { type PaceClock, paced, paged } from '../../src/lib/paced';
import { NotificationSignals } from '../../src/temporal/notification-signals';

/** A clock whose sleeps move time on at once, and whose calls may take time (`cost`). */
function fakeClock(): PaceClock & { advance(ms: number): void } {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms) => void (now += ms),
    advance: (ms) => void (now += ms),
  };
}

describe('paced: batches at a bounded rate', () => {
  it('sends 1,000 items at 200 a second in batches of 20, a tenth of a second apart, each once and in order', async () => {
    const clock = fakeClock();
    const starts: { at: number; size: number }[] = [];
    const seen: number[] = [];
    const items = Array.from({ length: 1_000 }, (_, n) => n);
    await paced(items, 200, async (batch) => void (starts.push({ at: clock.now(), size: batch.length }), seen.push(...batch)), { clock });
    expect(seen).toEqual(items);
    expect(starts).toHaveLength(50);
    expect(new Set(starts.map((s) => s.size))).toEqual(new Set([20]));
    starts.forEach((s, n) => expect(s.at).toBeCloseTo(n * 100, 6));
    // No second holds more than the rate.
    for (const s of starts) expect(starts.filter((o) => o.at >= s.at && o.at < s.at + 1_000).reduce((sum, o) => sum + o.size, 0)).toBeLessThanOrEqual(200);
  });

  it('goes on without waiting when a batch took longer than its share, and never starts a batch before the last has ended', async () => {
    const clock = fakeClock();
    const starts: number[] = [];
    await paced(
      Array.from({ length: 30 }, (_, n) => n),
      100,
      async () => (starts.push(clock.now()), clock.advance(250)),
      { clock },
    );
    expect(starts).toEqual([0, 250, 500]);
  });

  it('keeps the pace across pages read one at a time, and reads a page only when the batches need it', async () => {
    const clock = fakeClock();
    const starts: { at: number; size: number }[] = [];
    const seen: number[] = [];
    const asked: { after: number | null; seen: number }[] = [];
    const all = Array.from({ length: 1_000 }, (_, n) => n);
    const pages = paged<number>(async (after) => {
      asked.push({ after, seen: seen.length });
      const from = after === null ? 0 : after + 1;
      return all.slice(from, from + 30);
    });
    await paced(pages, 200, async (batch) => void (starts.push({ at: clock.now(), size: batch.length }), seen.push(...batch)), { clock });
    expect(seen).toEqual(all);
    // Batches of 20 straddle the pages of 30, still a tenth of a second apart.
    expect(starts).toHaveLength(50);
    starts.forEach((s, n) => expect(s.at).toBeCloseTo(n * 100, 6));
    // 34 pages (the last one empty), each asked once the items before it are all sent but a batch's worth.
    expect(asked).toHaveLength(35);
    asked.forEach(({ after, seen: sent }, k) => {
      expect(after).toBe(k === 0 ? null : Math.min(k * 30, 1_000) - 1);
      expect(sent).toBeGreaterThanOrEqual(Math.min(k * 30, 1_000) - 20);
    });
  });

  it('a rate under 10 a second sends one at a time; stopped() ends it before the next batch', async () => {
    const clock = fakeClock();
    const starts: number[] = [];
    await paced([1, 2, 3], 4, async () => void starts.push(clock.now()), { clock });
    expect(starts).toEqual([0, 250, 500]);
    let sent = 0;
    await paced([1, 2, 3, 4], 4, async () => void sent++, { clock, stopped: () => sent >= 2 });
    expect(sent).toBe(2);
  });
});

describe('NotificationSignals.release: signals at RELEASE_SIGNAL_RATE', () => {
  it('signals every held notification, read a page at a time, no faster than the rate', async () => {
    const signalled: { id: string; at: number }[] = [];
    const started = performance.now();
    const client = {
      withDeadline: (_: number, fn: () => Promise<unknown>) => fn(),
      workflow: { getHandle: (id: string) => ({ signal: async () => void signalled.push({ id, at: performance.now() - started }) }) },
    } as unknown as Client;
    const signals = new NotificationSignals(client, () => undefined, 20, 3);
    const ids = Array.from({ length: 8 }, (_, n) => `ntf_${n}`);
    const asked: { after: string | null; limit: number; signalled: number }[] = [];
    await signals.release(async (after, limit) => {
      asked.push({ after, limit, signalled: signalled.length });
      const from = after === null ? 0 : ids.indexOf(after) + 1;
      return ids.slice(from, from + limit);
    });
    expect(signalled.map((s) => s.id)).toEqual(ids);
    // Pages of 3, by the last ID of the one before, each read when the signals have used up the one before.
    expect(asked).toEqual([
      { after: null, limit: 3, signalled: 0 },
      { after: 'ntf_2', limit: 3, signalled: 2 },
      { after: 'ntf_5', limit: 3, signalled: 6 },
      { after: 'ntf_7', limit: 3, signalled: 8 },
    ]);
    // Batches of 2 a tenth of a second apart: the 7th and 8th go out no sooner than 300 ms after the first.
    expect(signalled[6].at).toBeGreaterThanOrEqual(295);
    expect(signalled[2].at).toBeGreaterThanOrEqual(95);
    await signals.close();
  });
});

describe('NotificationSignals.cancelPaged: a delete cancels its workflows a page at a time', () => {
  it('reads the next page after the last ID of the one before, until a page is empty, and cancels each ID once', async () => {
    const cancelled: string[] = [];
    const client = {
      withDeadline: (_: number, fn: () => Promise<unknown>) => fn(),
      workflow: { getHandle: (id: string) => ({ cancel: async () => void cancelled.push(id) }) },
    } as unknown as Client;
    const signals = new NotificationSignals(client, () => undefined);
    const all = Array.from({ length: 7 }, (_, n) => `ntf_${n}`);
    const asked: (string | null)[] = [];
    await signals.cancelPaged(async (after) => {
      asked.push(after);
      const from = after === null ? 0 : all.indexOf(after) + 1;
      return all.slice(from, from + 3);
    });
    expect(cancelled.sort()).toEqual(all);
    expect(asked).toEqual([null, 'ntf_2', 'ntf_5', 'ntf_6']);
    await signals.close();
  });
});
