import type { ApiClient } from '../test/support/api-client';
import type { HttpsReceiver } from '../test/support/https-receiver';
import { summary } from './stats';

const WARMUP = 20;

/** Events published one at a time: publish → 202, and publish → the POST arriving at the receiver. */
export async function measureLatency(api: ApiClient, receiver: HttpsReceiver, events: number, log: (line: string) => void): Promise<void> {
  for (let i = 0; i < WARMUP; i++) await api.publish('bench.warmup', { i });
  await receiver.received(WARMUP);
  const acks: number[] = [];
  const latencies: number[] = [];
  for (let i = 0; i < events; i++) {
    const expected = receiver.requests.length + 1;
    const started = Date.now();
    await api.publish('bench.latency', { i });
    acks.push(Date.now() - started);
    const requests = await receiver.received(expected);
    latencies.push(requests[expected - 1].at - started);
  }
  log(`latency, one event at a time: publish → 202            ${summary(acks)}`);
  log(`latency, one event at a time: publish → POST received  ${summary(latencies)}`);
}

/** Events published by `concurrency` publishers at once: deliveries per second until the last one arrives. */
export async function measureThroughput(
  api: ApiClient,
  receiver: HttpsReceiver,
  events: number,
  concurrency: number,
  log: (line: string) => void,
): Promise<void> {
  const before = receiver.requests.length;
  const started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < events) await api.publish('bench.throughput', { i: next++ });
    }),
  );
  const accepted = (Date.now() - started) / 1000;
  await receiver.received(before + events);
  const seconds = (Date.now() - started) / 1000;
  log(
    `throughput: ${events} events from ${concurrency} publishers: accepted in ${accepted.toFixed(1)} s, ` +
      `all delivered in ${seconds.toFixed(1)} s = ${(events / seconds).toFixed(1)} deliveries/s`,
  );
}
