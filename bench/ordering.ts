import os from 'node:os';
import { Client, Connection } from '@temporalio/client';
import { obtainTemporalCli } from '../src/dev/temporal-cli';
import { createScratchDatabase } from '../test/support/scratch-database';
import type { ApiClient } from '../test/support/api-client';
import { BenchReceiver } from './receiver';
import { type Cleanup, postgresAdminUrl, temporalDevServer, withCleanup } from './servers';
import { plude } from './targets';

/**
 * `npm run bench:ordering`: ordered delivery per key (issue 22) on `npm start`'s shape (one process, a fresh dev server):
 * one key's throughput (bounded by a delivery's round trip, one at a time), 100 keys side by side against the same
 * events unordered, and the history of a notification that waited for its turn. BENCH_ORDERING_EVENTS (1000) sets
 * the parallel runs' events, BENCH_ONE_KEY_EVENTS (200) the one-key run's. Prints a markdown table for BENCHMARKS.md.
 */
const EVENTS = Number(process.env.BENCH_ORDERING_EVENTS ?? 1000);
const ONE_KEY_EVENTS = Number(process.env.BENCH_ONE_KEY_EVENTS ?? 200);
const PUBLISHERS = 16;
const log = (line: string) => process.stdout.write(`${line}\n`);

/** Publishes the events (`keyOf(i)`: the i-th event's ordering key, or none), `PUBLISHERS` at a time; their event IDs. */
async function publishAll(api: ApiClient, tag: string, count: number, keyOf: (i: number) => string | undefined): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: PUBLISHERS }, async () => {
      while (next < count) {
        const i = next++;
        const orderingKey = keyOf(i);
        const answer = await api.request('POST', '/events', { type: 'bench.ordered', data: { tag, i }, ...(orderingKey ? { orderingKey } : {}) });
        if (answer.status !== 202) throw new Error(`publish answered ${answer.status}: ${JSON.stringify(answer.body)}`);
        ids[i] = answer.body.id as string;
      }
    }),
  );
  return ids;
}

/** Publishes `count` events and waits for all to arrive: events a second from the first publish to the last arrival. */
async function run(api: ApiClient, receiver: BenchReceiver, tag: string, count: number, keyOf: (i: number) => string | undefined) {
  const started = performance.now();
  const publishing = publishAll(api, tag, count, keyOf);
  const { first, last } = await receiver.arrivals(tag, count);
  const eventIds = await publishing;
  return { perSecond: count / ((last - started) / 1000), deliveringMs: last - first, eventIds };
}

async function main(): Promise<void> {
  const cliPath = await obtainTemporalCli((line) => process.stderr.write(`${line}\n`));
  const receiver = await BenchReceiver.start();
  const loadBefore = os.loadavg();
  try {
    await withCleanup(async (cleanup: Cleanup) => {
      const adminUrl = await postgresAdminUrl(cleanup);
      const db = await createScratchDatabase(adminUrl, 'plude_bench');
      cleanup.push(() => db.drop());
      const server = await temporalDevServer(cleanup, cliPath);
      const target = await plude({ temporalAddress: server.address, databaseUrl: db.url, receiver, topology: 'combined' });
      cleanup.push(() => target.stop());
      const { api, subscriptionId } = target;
      const ordering = (value: 'key' | 'none') => api.request('PATCH', `/webhooks/subscriptions/${subscriptionId}`, { ordering: value });
      // Warm-up, unordered: the first workflows and statements of a fresh process.
      await run(api, receiver, 'warm-up', 100, () => undefined);

      log(`unordered: ${EVENTS} events`);
      const unordered = await run(api, receiver, 'unordered', EVENTS, () => undefined);
      await ordering('key');
      log(`100 keys side by side: ${EVENTS} events, ${EVENTS / 100} a key`);
      const hundred = await run(api, receiver, 'hundred-keys', EVENTS, (i) => `key-${i % 100}`);
      log(`one key: ${ONE_KEY_EVENTS} events`);
      const oneKey = await run(api, receiver, 'one-key', ONE_KEY_EVENTS, () => 'the-key');

      // The history of a notification of the one key that waited for its turn (the middle one), once it closed.
      const event = await api.request('GET', `/events/${oneKey.eventIds[Math.floor(ONE_KEY_EVENTS / 2)]}`);
      const connection = await Connection.connect({ address: server.address });
      cleanup.push(() => connection.close());
      const handle = new Client({ connection }).workflow.getHandle(event.body.notifications[0].id as string);
      await handle.result();
      const history = (await handle.fetchHistory()).events?.length ?? 0;

      log('');
      log(
        `Measured by \`npm run bench:ordering\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} cores, Node ${process.version}, npm start's shape on a fresh dev server;`,
      );
      log(
        `load average ${loadBefore.map((l) => l.toFixed(2)).join(' / ')} at the start, ${os
          .loadavg()
          .map((l) => l.toFixed(2))
          .join(' / ')} at the end.`,
      );
      log('');
      log('| run | events | delivered a second | first to last arrival |');
      log('|---|---|---|---|');
      log(`| unordered | ${EVENTS} | ${unordered.perSecond.toFixed(1)}/s | ${(unordered.deliveringMs / 1000).toFixed(1)} s |`);
      log(`| 100 keys side by side | ${EVENTS} | ${hundred.perSecond.toFixed(1)}/s | ${(hundred.deliveringMs / 1000).toFixed(1)} s |`);
      log(
        `| one key | ${ONE_KEY_EVENTS} | ${oneKey.perSecond.toFixed(1)}/s | ${(oneKey.deliveringMs / 1000).toFixed(1)} s (${(oneKey.deliveringMs / (ONE_KEY_EVENTS - 1)).toFixed(0)} ms a notification) |`,
      );
      log('');
      log(`History of a notification that waited for its turn (the one key's ${Math.floor(ONE_KEY_EVENTS / 2)}th): ${history} events.`);
    });
  } finally {
    await receiver.stop();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});
