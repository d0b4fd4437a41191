import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
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

/** The bench's PostgreSQL: a superuser URL, and its postmaster's PID when the bench started it (none for BENCH_DATABASE_ADMIN_URL). */
export interface BenchPostgres {
  adminUrl: string;
  pid?: number;
}

export async function benchPostgres(cleanup: Cleanup): Promise<BenchPostgres> {
  if (process.env.BENCH_DATABASE_ADMIN_URL) return { adminUrl: process.env.BENCH_DATABASE_ADMIN_URL };
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'plude-bench-pg-'));
  await chmod(dataDir, 0o755); // as root, PostgreSQL runs as user postgres, who must be able to enter it
  cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
  const pg = await startEmbeddedPostgres({ dataDir, port: await freePort(), log: () => undefined });
  cleanup.push(() => pg.stop());
  const url = new URL(pg.url);
  url.pathname = '/postgres';
  // postmaster.pid's first line is the postmaster's PID (its backends are its children).
  const pid = Number((await readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0]) || undefined;
  return { adminUrl: url.toString(), pid };
}

export async function postgresAdminUrl(cleanup: Cleanup): Promise<string> {
  return (await benchPostgres(cleanup)).adminUrl;
}
