import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type DevServerHandle, freePort, startTemporalDevServer } from '../src/temporal/dev-server';
import { SEARCH_ATTRIBUTES } from '../src/temporal/search-attributes';
import { obtainTemporalCli } from '../src/temporal/temporal-cli';
import { ApiClient } from '../test/support/api-client';
import { HttpsReceiver } from '../test/support/https-receiver';
import { createScratchDatabase } from '../test/support/scratch-database';
import { type SuitePostgres, startSuitePostgres } from '../test/support/suite-postgres';
import { startAppProcess } from './app-process';
import { startBareProcess } from './bare/driver';
import { measureLatency, measureThroughput, type Publish } from './measure';

/**
 * `npm run bench`, on this machine, each side against a fresh Temporal dev server with `npm start`'s durable
 * settings (SQLite file, WAL) and a real HTTPS receiver in this process, in two workflow shapes:
 * - `activity`: every attempt is the regular activity (DELIVERY_FIRST_ATTEMPT=activity, the shape before issue 6);
 * - `local`: the first attempt is a local activity inside the first workflow task (the default).
 * For each shape: a bare Temporal workflow doing the same signed POST (no API, no database), started eagerly, and
 * plude-webhooks as the built `npm start` process (API + worker, eager starts) with PostgreSQL.
 */
/** An existing PostgreSQL server to measure against; an embedded one (as the tests use) otherwise. */
const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL || undefined;
const ADMIN_TOKEN = 'bench-admin-token-0123456789';
/** Given, so the built `npm start` process writes no master key into the checkout's data folder. */
const ENCRYPTION_KEY = randomBytes(32).toString('base64');
const LATENCY_EVENTS = Number(process.env.BENCH_LATENCY_EVENTS ?? 200);
const THROUGHPUT_EVENTS = Number(process.env.BENCH_THROUGHPUT_EVENTS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const SHAPES = ['activity', 'local'] as const;
const log = (line: string) => process.stdout.write(`${line}\n`);

type Shape = (typeof SHAPES)[number];
type Cleanup = (() => Promise<void>)[];
interface SideResult { name: string; latency: number; rate: number }

async function temporal(cleanup: Cleanup, cliPath: string): Promise<DevServerHandle> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'plude-bench-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const server = await startTemporalDevServer({
    cliPath,
    dbFile: path.join(dir, 'temporal.db'),
    port: await freePort(),
    uiPort: null,
    namespace: 'default',
    searchAttributes: SEARCH_ATTRIBUTES,
    log: () => undefined,
  });
  cleanup.push(() => server.stop());
  return server;
}

async function database(cleanup: Cleanup, postgres: SuitePostgres): Promise<string> {
  const database = await createScratchDatabase(postgres.adminUrl, 'plude_bench');
  cleanup.push(() => database.drop());
  return database.url;
}

async function plude(cleanup: Cleanup, server: DevServerHandle, postgres: SuitePostgres, receiver: HttpsReceiver, shape: Shape): Promise<Publish> {
  const app = await startAppProcess(
    {
      DATABASE_URL: await database(cleanup, postgres),
      TEMPORAL_ADDRESS: server.address,
      ADMIN_TOKEN,
      ENCRYPTION_KEY,
      ALLOW_PRIVATE_TARGETS: 'true',
      NODE_EXTRA_CA_CERTS: receiver.caFile,
      DELIVERY_FIRST_ATTEMPT: shape,
    },
    await freePort(),
  );
  cleanup.push(() => app.stop());
  const admin = new ApiClient(app.url, { token: ADMIN_TOKEN });
  await admin.request('POST', '/admin/environments', { id: 'bench' });
  const { body } = await admin.request('POST', '/admin/environments/bench/tokens');
  const api = new ApiClient(app.url, { token: body.token, environment: 'bench', version: '2022-03' });
  await api.subscribe(receiver.url(`/plude-${shape}`));
  return async (type, data) => {
    const response = await api.publish(type, data);
    if (response.status !== 202) throw new Error(`publish answered ${response.status}: ${JSON.stringify(response.body)}`);
  };
}

async function side(name: string, cliPath: string, receiver: HttpsReceiver, make: (cleanup: Cleanup, server: DevServerHandle) => Promise<Publish>): Promise<SideResult> {
  const cleanup: Cleanup = [];
  try {
    log(name);
    const publish = await make(cleanup, await temporal(cleanup, cliPath));
    const latency = await measureLatency(publish, receiver, LATENCY_EVENTS, log);
    const rate = await measureThroughput(publish, receiver, THROUGHPUT_EVENTS, CONCURRENCY, log);
    return { name, latency, rate };
  } finally {
    for (const fn of cleanup.reverse()) await fn().catch((err: Error) => process.stderr.write(`cleanup: ${err.message}\n`));
  }
}

function table(results: Record<Shape, { bare: SideResult; ours: SideResult }>): string[] {
  const rows = ['| shape | bare p50 | plude-webhooks p50 | bare deliveries/s | plude-webhooks deliveries/s | plude / bare |', '|---|---|---|---|---|---|'];
  for (const shape of SHAPES) {
    const { bare, ours } = results[shape];
    rows.push(
      `| ${shape === 'local' ? 'first attempt local' : 'one regular activity'} | ${bare.latency.toFixed(0)} ms | ${ours.latency.toFixed(0)} ms | ` +
        `${bare.rate.toFixed(1)} | ${ours.rate.toFixed(1)} | ${((100 * ours.rate) / bare.rate).toFixed(0)}% |`,
    );
  }
  return rows;
}

async function main(): Promise<void> {
  const cliPath = await obtainTemporalCli((line) => process.stderr.write(`${line}\n`));
  const receiver = await HttpsReceiver.start();
  const postgres = await startSuitePostgres(ADMIN_URL, () => undefined);
  log(`PostgreSQL: ${postgres.description}`);
  const results = {} as Record<Shape, { bare: SideResult; ours: SideResult }>;
  try {
    for (const shape of SHAPES) {
      const bare = await side(`baseline (${shape}): bare Temporal workflow, same signed POST`, cliPath, receiver, async (cleanup, server) => {
        const env = { TEMPORAL_ADDRESS: server.address, NODE_EXTRA_CA_CERTS: receiver.caFile, BARE_SHAPE: shape };
        const baseline = await startBareProcess(env, receiver.url(`/bare-${shape}`));
        cleanup.push(() => baseline.stop());
        return baseline.publish;
      });
      const ours = await side(`plude-webhooks (${shape}): npm start process, API → PostgreSQL → Temporal → worker → receiver`, cliPath, receiver, (cleanup, server) =>
        plude(cleanup, server, postgres, receiver, shape),
      );
      results[shape] = { bare, ours };
    }
    log('');
    for (const row of table(results)) log(row);
  } finally {
    await receiver.stop();
    await postgres.stop();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});
