import { randomBytes } from 'node:crypto';
import { cpuSeconds, watchPeakRss } from './process-stats';
import type { BenchReceiver } from './receiver';
import type { Target } from './targets';

const WARMUP = 30;
const run = randomBytes(3).toString('hex');
let serial = 0;
const nextTag = () => `t${run}-${serial++}`;
const now = () => performance.now();

export interface Latency {
  ack: number[];
  received: number[];
}

/** Events published one at a time: publish → the call returned, and publish → the POST arrived. */
export async function lowLoad(target: Target, receiver: BenchReceiver, events: number): Promise<Latency> {
  for (let i = 0; i < WARMUP; i++) {
    const tag = nextTag();
    await target.publish(tag);
    await receiver.arrival(tag);
  }
  const result: Latency = { ack: [], received: [] };
  for (let i = 0; i < events; i++) {
    const tag = nextTag();
    const started = now();
    await target.publish(tag);
    result.ack.push(now() - started);
    result.received.push((await receiver.arrival(tag)) - started);
  }
  return result;
}

export interface Capacity {
  perSecond: number;
  latencies: number[];
  /** CPU seconds per delivery: the target's own processes, and the Temporal server. */
  cpuPerDelivery: { target: number; temporal: number };
  peakRssMb: number;
}

/**
 * Closed loop: `publishers` publishers, each publishing its next event only once its previous one was received,
 * for `seconds`. No backlog builds, so the rate is what the box sustains.
 */
export async function closedLoop(
  target: Target,
  receiver: BenchReceiver,
  temporalPid: number | undefined,
  publishers: number,
  seconds: number,
): Promise<Capacity> {
  const cpuBefore = target.pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  const temporalBefore = cpuSeconds(temporalPid);
  const peak = watchPeakRss(target.pids[0]);
  const latencies: number[] = [];
  const started = now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: publishers }, async () => {
      while (now() < until) {
        const tag = nextTag();
        const t0 = now();
        await target.publish(tag);
        latencies.push((await receiver.arrival(tag)) - t0);
      }
    }),
  );
  const elapsed = (now() - started) / 1000;
  const delivered = latencies.length;
  return {
    perSecond: delivered / elapsed,
    latencies,
    cpuPerDelivery: {
      target: (target.pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0) - cpuBefore) / delivered,
      temporal: (cpuSeconds(temporalPid) - temporalBefore) / delivered,
    },
    peakRssMb: peak(),
  };
}

/** Open loop: events published at a fixed rate for `seconds`, each one's publish → receive latency. */
export async function openLoop(target: Target, receiver: BenchReceiver, ratePerSecond: number, seconds: number): Promise<number[]> {
  const interval = 1000 / ratePerSecond;
  const count = Math.floor(ratePerSecond * seconds);
  const started = now();
  const pending: Promise<number>[] = [];
  for (let i = 0; i < count; i++) {
    const due = started + i * interval;
    const wait = due - now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const tag = nextTag();
    const t0 = now();
    pending.push(target.publish(tag).then(async () => (await receiver.arrival(tag)) - t0));
  }
  return Promise.all(pending);
}

export interface FanOut {
  subscriptions: number;
  acceptedMs: number;
  lastReceivedMs: number;
}

/** One event to `count` subscriptions of one environment, all on the same receiver host with different paths. */
export async function fanOut(
  target: Target & { admin: import('../test/support/api-client').ApiClient },
  receiver: BenchReceiver,
  count: number,
): Promise<FanOut> {
  const environment = `fan-${run}`;
  await target.admin.request('POST', '/admin/environments', { id: environment });
  const { body } = await target.admin.request('POST', `/admin/environments/${environment}/tokens`);
  const api = target.admin.as({ token: body.token, environment, version: '2022-03' });
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < count) {
        const response = await api.subscribe(receiver.url(`/fan/${next++}`));
        if (response.status !== 200) throw new Error(`subscribe answered ${response.status}: ${JSON.stringify(response.body)}`);
      }
    }),
  );
  const tag = nextTag();
  const started = now();
  const published = await api.publish('bench.fanout', { tag });
  const acceptedMs = now() - started;
  if (published.status !== 202 || published.body.notifications !== count)
    throw new Error(`fan-out publish: ${published.status} ${JSON.stringify(published.body)}`);
  const { last } = await receiver.arrivals(tag, count);
  return { subscriptions: count, acceptedMs, lastReceivedMs: last - started };
}
