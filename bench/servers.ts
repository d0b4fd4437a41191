import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../src/dev/embedded-postgres';
import { type DevServerHandle, startTemporalDevServer } from '../src/dev/dev-server';
import { freePort } from '../src/lib/free-port';
import { SEARCH_ATTRIBUTES } from '../src/temporal/search-attributes';

/** What a bench run stops and removes at its end, last first. */
export type Cleanup = (() => Promise<unknown>)[];

/** A fresh Temporal dev server with `npm start`'s settings, in a temporary folder. */
export async function temporalDevServer(cleanup: Cleanup, cliPath: string): Promise<DevServerHandle> {
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

export async function withCleanup<T>(work: (cleanup: Cleanup) => Promise<T>): Promise<T> {
  const cleanup: Cleanup = [];
  try {
    return await work(cleanup);
  } finally {
    for (const fn of cleanup.reverse()) await fn().catch((err: Error) => process.stderr.write(`cleanup: ${err.message}\n`));
  }
}

export async function postgresAdminUrl(cleanup: Cleanup): Promise<string> {
  if (process.env.BENCH_DATABASE_ADMIN_URL) return process.env.BENCH_DATABASE_ADMIN_URL;
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'plude-bench-pg-'));
  await chmod(dataDir, 0o755); // as root, PostgreSQL runs as user postgres, who must be able to enter it
  cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
  const pg = await startEmbeddedPostgres({ dataDir, port: await freePort(), log: () => undefined });
  cleanup.push(() => pg.stop());
  const url = new URL(pg.url);
  url.pathname = '/postgres';
  return url.toString();
}
