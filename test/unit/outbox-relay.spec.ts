import type { NotificationDispatch } from '../../src/domain/delivery';
import type { NotificationDispatcher } from '../../src/outbox/notification-dispatcher';
import { OUTBOX_GRACE_MS, OutboxRelay } from '../../src/outbox/outbox-relay';
import type { OutboxRepository } from '../../src/outbox/outbox.repository';

const INTERVAL_MS = 30_000;

/** An empty outbox that notes when each pass looked (Date.now(), under fake timers), and a dispatcher that can say it left rows. */
function setup() {
  const passes: number[] = [];
  const outbox = {
    settleFinished: jest.fn(async () => 0),
    databaseNow: jest.fn(async () => new Date()),
    claimUndispatched: jest.fn(async (claim: { notClaimedSince: Date }) => {
      if (passes.at(-1) !== claim.notClaimedSince.getTime()) passes.push(claim.notClaimedSince.getTime());
      return [] as NotificationDispatch[];
    }),
    markDispatched: jest.fn(async () => undefined),
  };
  const listeners: ((count: number) => void)[] = [];
  const dispatcher = {
    dispatch: jest.fn(async (batch: NotificationDispatch[]) => batch.map((d) => d.notificationId)),
    onLeftToRelay: (listener: (count: number) => void) => listeners.push(listener),
  };
  const relay = new OutboxRelay(outbox as unknown as OutboxRepository, dispatcher as unknown as NotificationDispatcher, () => undefined);
  const leave = (count: number) => listeners.forEach((listener) => listener(count));
  return { relay, passes, leave };
}

describe('OutboxRelay', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('passes every interval; once the dispatcher leaves rows, every second until a pass has begun past their grace', async () => {
    const { relay, passes, leave } = setup();
    const t0 = Date.now();
    relay.start(INTERVAL_MS);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(passes).toEqual([t0]); // the pass at start, then quiet

    const leftAt = Date.now();
    leave(3);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(passes).toEqual([t0, leftAt + 1_000]); // not 25 s later

    await jest.advanceTimersByTimeAsync(OUTBOX_GRACE_MS + 5_000);
    const hurried = passes.slice(1);
    expect(hurried.length).toBeGreaterThan(OUTBOX_GRACE_MS / 1_000);
    hurried.slice(1).forEach((at, i) => expect(at - hurried[i]).toBeLessThanOrEqual(1_000)); // a second apart, or less
    const last = hurried.at(-1)!;
    expect(last).toBeGreaterThanOrEqual(leftAt + OUTBOX_GRACE_MS); // a pass that can claim the rows left (they are past their grace)

    await jest.advanceTimersByTimeAsync(last + INTERVAL_MS - 1 - Date.now());
    expect(passes.at(-1)).toBe(last); // back to the interval
    await jest.advanceTimersByTimeAsync(1);
    expect(passes.at(-1)).toBe(last + INTERVAL_MS);
    await relay.stop();
  });

  it('is not hurried after it stops', async () => {
    const { relay, passes, leave } = setup();
    relay.start(INTERVAL_MS);
    await jest.advanceTimersByTimeAsync(0);
    await relay.stop();
    leave(1);
    await jest.advanceTimersByTimeAsync(INTERVAL_MS * 2);
    expect(passes).toHaveLength(1);
  });
});
