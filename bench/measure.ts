import type { HttpsReceiver } from '../test/support/https-receiver';
import { percentile, summary } from './stats';

/** Publishes one event; resolves when the publisher's call returned (202, or the workflow start for the baseline). */
export type Publish = (type: string, data: Record<string, unknown>) => Promise<void>;

export interface Results {
  latencyP50: number;
  deliveriesPerSecond: number;
}

const WARMUP = 20;

/** Events published one at a time: publish returned, and publish → the POST arriving at the receiver. */
export async function measureLatency(publish: Publish, receiver: HttpsReceiver, events: number, log: (line: string) => void): Promise<number> {
  const base = receiver.requests.length;
  for (let i = 0; i < WARMUP; i++) await publish('bench.warmup', { i });
  await receiver.received(base + WARMUP);
  const acks: number[] = [];
  const latencies: number[] = [];
  for (let i = 0; i < events; i++) {
    const expected = receiver.requests.length + 1;
    const started = Date.now();
    await publish('bench.latency', { i });
    acks.push(Date.now() - started);
    const requests = await receiver.received(expected);
    latencies.push(requests[expected - 1].at - started);
  }
  log(`  one event at a time: publish returned      ${summary(acks)}`);
  log(`  one event at a time: publish → POST received ${summary(latencies)}`);
  return percentile(latencies, 50);
}

/** Events published by `concurrency` publishers at once: deliveries per second until the last one arrives. */
export async function measureThroughput(
  publish: Publish,
  receiver: HttpsReceiver,
  events: number,
  concurrency: number,
  log: (line: string) => void,
): Promise<number> {
  const before = receiver.requests.length;
  const started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < events) await publish('bench.throughput', { i: next++ });
    }),
  );
  const accepted = (Date.now() - started) / 1000;
  await receiver.received(before + events);
  const seconds = (Date.now() - started) / 1000;
  const rate = events / seconds;
  log(`  ${events} events from ${concurrency} publishers: published in ${accepted.toFixed(1)} s, all delivered in ${seconds.toFixed(1)} s = ${rate.toFixed(1)} deliveries/s`);
  return rate;
}
