import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client as PgClient } from 'pg';
import { freePort, startTemporalDevServer } from '../src/temporal/dev-server';
import { SEARCH_ATTRIBUTES } from '../src/temporal/search-attributes';
import { obtainTemporalCli } from '../src/temporal/temporal-cli';
import { HttpsReceiver } from '../test/support/https-receiver';
import { startTestApp } from '../test/support/test-app';
import { summary } from './stats';

/**
 * `npm run bench`: the real pipeline (API → PostgreSQL → Temporal → worker → HTTPS receiver) on this machine.
 * 1. latency: events published one at a time, publish → POST received at the receiver;
 * 2. throughput: many events published concurrently, deliveries per second until the last one arrives.
 * The Temporal dev server keeps its state in a SQLite file with WAL, as `npm start` does.
 */
const LATENCY_EVENTS = Number(process.env.BENCH_LATENCY_EVENTS ?? 200);
const THROUGHPUT_EVENTS = Number(process.env.BENCH_THROUGHPUT_EVENTS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const log = (line: string) => process.stdout.write(`${line}\n`);

async function withDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const name = `plude_bench_${Date.now()}`;
  const admin = new PgClient({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    return await fn(url.toString());
  } finally {
    await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
    await admin.end();
  }
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'plude-bench-'));
  const server = await startTemporalDevServer({
    cliPath: await obtainTemporalCli((line) => process.stderr.write(`${line}\n`)),
    dbFile: path.join(dir, 'temporal.db'),
    port: await freePort(),
    uiPort: null,
    namespace: 'default',
    searchAttributes: SEARCH_ATTRIBUTES,
    log: () => undefined,
  });
  const receiver = await HttpsReceiver.start();
  try {
    await withDatabase(async (databaseUrl) => {
      const app = await startTestApp({
        DATABASE_URL: databaseUrl,
        TEMPORAL_ADDRESS: server.address,
        NODE_EXTRA_CA_CERTS: receiver.caFile,
        TEMPORAL_TASK_QUEUE: `bench-${randomBytes(3).toString('hex')}`,
      });
      try {
        const { api } = await app.newEnvironment();
        await api.subscribe(receiver.url('/bench'));
        for (let i = 0; i < 20; i++) await api.publish('bench.warmup', { i });
        await receiver.received(20);

        const latencies: number[] = [];
        const acks: number[] = [];
        for (let i = 0; i < LATENCY_EVENTS; i++) {
          const expected = receiver.requests.length + 1;
          const started = performance.timeOrigin + performance.now();
          await api.publish('bench.latency', { i });
          acks.push(performance.timeOrigin + performance.now() - started);
          const requests = await receiver.received(expected);
          latencies.push(requests[expected - 1].at - started);
        }
        log(`publish → 202:                 ${summary(acks)}`);
        log(`publish → POST received:       ${summary(latencies)}`);

        const before = receiver.requests.length;
        const started = Date.now();
        let next = 0;
        await Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            while (next < THROUGHPUT_EVENTS) await api.publish('bench.throughput', { i: next++ });
          }),
        );
        const accepted = Date.now() - started;
        await receiver.received(before + THROUGHPUT_EVENTS);
        const seconds = (Date.now() - started) / 1000;
        log(`throughput: ${THROUGHPUT_EVENTS} events, ${CONCURRENCY} concurrent publishers: accepted in ${accepted} ms, all delivered in ${seconds.toFixed(1)} s = ${(THROUGHPUT_EVENTS / seconds).toFixed(1)} deliveries/s`);
        log(`api + worker process RSS: ${(process.memoryUsage().rss / 1048576).toFixed(0)} MiB`);
      } finally {
        await app.close();
      }
    });
  } finally {
    await receiver.stop();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});
