import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import { freePort, startTemporalDevServer } from '../src/temporal/dev-server';
import { SEARCH_ATTRIBUTES } from '../src/temporal/search-attributes';
import { obtainTemporalCli } from '../src/temporal/temporal-cli';
import { ApiClient } from '../test/support/api-client';
import { HttpsReceiver } from '../test/support/https-receiver';
import { startAppProcess } from './app-process';
import { measureLatency, measureThroughput } from './measure';

/**
 * `npm run bench`: the shipped `npm start` process (API + worker, eager workflow starts) against PostgreSQL and a
 * Temporal dev server with the same durable settings as `npm start` (SQLite file, WAL), with the load generator
 * and a real HTTPS receiver in this process.
 */
const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ADMIN_TOKEN = 'bench-admin-token-0123456789';
const log = (line: string) => process.stdout.write(`${line}\n`);

async function createDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `plude_bench_${Date.now()}`;
  const admin = new PgClient({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'plude-bench-'));
  const cleanup: (() => Promise<void>)[] = [() => rm(dir, { recursive: true, force: true })];
  try {
    const server = await startTemporalDevServer({
      cliPath: await obtainTemporalCli((line) => process.stderr.write(`${line}\n`)),
      dbFile: path.join(dir, 'temporal.db'),
      port: await freePort(),
      uiPort: null,
      namespace: 'default',
      searchAttributes: SEARCH_ATTRIBUTES,
      log: () => undefined,
    });
    cleanup.push(() => server.stop());
    const database = await createDatabase();
    cleanup.push(() => database.drop());
    const receiver = await HttpsReceiver.start();
    cleanup.push(() => receiver.stop());
    const app = await startAppProcess(
      {
        DATABASE_URL: database.url,
        TEMPORAL_ADDRESS: server.address,
        ADMIN_TOKEN,
        ALLOW_PRIVATE_TARGETS: 'true',
        NODE_EXTRA_CA_CERTS: receiver.caFile,
      },
      await freePort(),
    );
    cleanup.push(() => app.stop());

    const admin = new ApiClient(app.url, { token: ADMIN_TOKEN });
    await admin.request('POST', '/admin/environments', { id: 'bench' });
    const { body } = await admin.request('POST', '/admin/environments/bench/tokens');
    const api = new ApiClient(app.url, { token: body.token, environment: 'bench', version: '2022-03' });
    await api.subscribe(receiver.url('/bench'));

    await measureLatency(api, receiver, Number(process.env.BENCH_LATENCY_EVENTS ?? 200), log);
    await measureThroughput(api, receiver, Number(process.env.BENCH_THROUGHPUT_EVENTS ?? 1000), Number(process.env.BENCH_CONCURRENCY ?? 16), log);
  } finally {
    for (const fn of cleanup.reverse()) await fn().catch((err: Error) => process.stderr.write(`cleanup: ${err.message}\n`));
  }
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});
