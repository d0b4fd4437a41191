import { createSubscriptionGate } from '../../activities/subscription-gate';
import { NO_GATE } from '../../activities';
import type { DeliveryContext } from '../../src/domain/delivery';
import { LATE_WAKE_MS, OPEN_GATE, type GateState, slotIntervalMs } from '../../src/domain/gate';

/**
 * The wait for a rate's slot inside the attempt, on a clock the test moves: each pause ends as late as the test says,
 * as a busy event loop would wake it. Slots are reserved `slotsInMs` ahead, one after the other.
 */
function setup(options: { gate: GateState; lateBy: number[]; slotsInMs: number[] }) {
  let now = 1_000_000;
  const reserved: number[] = [];
  const late = [...options.lateBy];
  const slots = [...options.slotsInMs];
  const store = {
    claimProbe: async () => true,
    reserveSlot: async (_subscriptionId: string, _notificationId: string, everyMs: number) => {
      reserved.push(everyMs);
      return slots.shift() ?? 0;
    },
    acquireLease: async () => true,
    updateBreaker: async () => null,
  };
  const clock = {
    now: () => now,
    pause: async (ms: number) => void (now += ms + (late.shift() ?? 0)),
  };
  const metrics = { attempt: () => undefined, delivered: () => undefined, gated: () => undefined, breakerChanged: () => undefined };
  const { passGate } = createSubscriptionGate({ store, gate: NO_GATE, random: () => 0, metrics, warn: () => undefined, clock });
  const delivery = { notificationId: 'ntf_1', subscriptionId: 'sub_1', gate: options.gate } as DeliveryContext;
  return { pass: () => passGate(delivery, 60_000, 10_000), reserved, pauses: () => options.lateBy.length - late.length };
}

const limited = { ...OPEN_GATE, rateLimit: 20 };
const every = slotIntervalMs(20);

describe('the wait for a slot of the rate, inside the attempt', () => {
  it('woken on time, or late by up to LATE_WAKE_MS, the attempt goes on the slot it reserved', async () => {
    for (const lateBy of [0, LATE_WAKE_MS]) {
      const t = setup({ gate: limited, lateBy: [lateBy], slotsInMs: [200] });
      await expect(t.pass()).resolves.toEqual({ leased: false });
      expect(t.reserved).toEqual([every]);
    }
  });

  it('woken later than that (its POST would crowd the next slots’), it reserves a new slot and waits for that one', async () => {
    const t = setup({ gate: limited, lateBy: [LATE_WAKE_MS + 1, 0], slotsInMs: [200, 300] });
    await expect(t.pass()).resolves.toEqual({ leased: false });
    expect(t.reserved).toEqual([every, every]);
    expect(t.pauses()).toBe(2);
  });

  it('back for a slot it already had and woken late, it reserves a new one at the subscription’s rate', async () => {
    const t = setup({ gate: { ...limited, slotInMs: 300 }, lateBy: [400, 0], slotsInMs: [100] });
    await expect(t.pass()).resolves.toEqual({ leased: false });
    expect(t.reserved).toEqual([every]);
  });

  it('woken late every time, it goes after its third wait rather than never', async () => {
    const t = setup({ gate: limited, lateBy: [500, 500, 500, 500], slotsInMs: [100, 100, 100, 100] });
    await expect(t.pass()).resolves.toEqual({ leased: false });
    expect(t.reserved).toEqual([every, every, every]);
    expect(t.pauses()).toBe(3);
  });
});
