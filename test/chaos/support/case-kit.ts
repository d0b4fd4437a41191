import type { ChaosEnvironment, Topology } from './topology';
import { type Ledger, settled, type Tally, tally } from './ledger';
import type { Behaviour, ReceiverFleet } from './fleet';
import type { Counted } from './chaos-case';

/** Subscribes one receiver of the fleet per behaviour (/<prefix>1, /<prefix>2 …); the signing keys by subscription. */
export async function subscribeReceivers(env: ChaosEnvironment, fleet: ReceiverFleet, prefix: string, behaviours: Behaviour[]) {
  const keys = new Map<string, string[]>();
  const ids: string[] = [];
  for (const [i, behaviour] of behaviours.entries()) {
    const response = await env.clients[0].subscribe(fleet.receiver(`${prefix}${i + 1}`, behaviour));
    if (response.status !== 200 && response.status !== 201) throw new Error(`subscribe: ${response.status} ${JSON.stringify(response.body)}`);
    keys.set(response.body.id, [response.body.signatureKey]);
    ids.push(response.body.id);
  }
  return { keys, ids };
}

/** How one event is published: through the ledger by default. */
type Publish = (ledger: Ledger, env: ChaosEnvironment, type: string, data: unknown) => Promise<unknown>;

/** Publishes `count` events at `perSecond` (open loop: the next is sent on time, whatever the last one's answer). */
export async function publishAtRate(
  ledger: Ledger,
  env: ChaosEnvironment,
  type: string,
  count: number,
  perSecond: number,
  publish: Publish = (l, e, t, data) => l.publish(e, t, data),
): Promise<void> {
  const started = performance.now();
  const inFlight: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(publish(ledger, env, type, { n: i, at: new Date().toISOString() }).catch(() => undefined));
  }
  await Promise.all(inFlight);
}

/** Waits for every accepted notification to succeed, then counts; asserts what every event case promises. */
export async function settleAndCount(topology: Topology, ledger: Ledger, fleet: ReceiverFleet, keys: Map<string, string[]>, timeoutMs: number): Promise<Tally> {
  await settled(topology.db, ledger, timeoutMs);
  const counted = await tally(topology.db, ledger, fleet.observations, keys);
  expect(counted.lost).toBe(0);
  expect(counted.notifications).toBe(ledger.expectedNotifications);
  expect(counted.conflicting).toBe(0);
  expect(counted.badSignatures).toBe(0);
  expect(counted.disagreements).toEqual([]);
  return counted;
}

/** A tally as a RELIABILITY.md row's counts. */
export function row(t: Tally, counted?: string): Counted {
  return {
    accepted: t.accepted,
    delivered: t.delivered,
    duplicates: t.duplicates,
    lost: t.lost,
    counted: [`${t.notifications} notifications`, counted].filter(Boolean).join('; '),
  };
}

/** Keys of every subscription in one map. */
export function mergeKeys(...maps: Map<string, string[]>[]): Map<string, string[]> {
  return new Map(maps.flatMap((m) => [...m]));
}
