import path from 'node:path';
import type { Config } from '../config/config';
import { Closers } from '../lib/closers';
import { startEmbeddedPostgres } from './embedded-postgres';
import { startTemporalDevServer } from './dev-server';
import { obtainTemporalCli } from './temporal-cli';
import { Connection } from '@temporalio/client';
import { setNamespaceRetention } from '../temporal/namespace-retention';
import { SEARCH_ATTRIBUTES } from '../temporal/search-attributes';

export interface Infrastructure {
  databaseUrl: string;
  temporalAddress: string;
  temporalUiUrl: string | null;
  stop(): Promise<void>;
}

/**
 * PostgreSQL and Temporal for `npm start`: the configured ones (DATABASE_URL, TEMPORAL_ADDRESS) or, when unset,
 * an embedded PostgreSQL and a Temporal dev server, both keeping their data in DATA_DIR.
 */
export async function startInfrastructure(
  config: Config,
  log: (line: string) => void,
  /** Receives the embedded servers' own output. */
  debug: (line: string) => void,
): Promise<Infrastructure> {
  const closers = new Closers();
  const stop = () => closers.closeAll(log);
  try {
    let databaseUrl = config.database.url;
    if (!databaseUrl) {
      log(`starting embedded PostgreSQL on 127.0.0.1:${config.database.embeddedPort} (data in ${path.resolve(config.dataDir, 'postgres')})`);
      const postgres = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.database.embeddedPort, log: debug });
      closers.add(() => postgres.stop());
      databaseUrl = postgres.url;
    }
    let temporalAddress = config.temporal.address;
    let temporalUiUrl: string | null = null;
    if (!temporalAddress) {
      const cliPath = await obtainTemporalCli(log);
      log(`starting Temporal dev server on 127.0.0.1:${config.temporal.devServerPort} (state in ${path.resolve(config.dataDir, 'temporal.db')})`);
      const server = await startTemporalDevServer({
        cliPath,
        dbFile: path.resolve(config.dataDir, 'temporal.db'),
        port: config.temporal.devServerPort,
        uiPort: config.temporal.uiPort,
        namespace: config.temporal.namespace,
        searchAttributes: SEARCH_ATTRIBUTES,
        log: debug,
      });
      closers.add(() => server.stop());
      temporalAddress = server.address;
      temporalUiUrl = server.uiUrl;
      const connection = await Connection.connect({ address: server.address });
      try {
        const retentionMs = await setNamespaceRetention(connection, config.temporal.namespace, config.retention.retentionMs);
        debug(`namespace ${config.temporal.namespace}: closed workflows kept ${retentionMs / 3_600_000} h (RETENTION, at least a day)`);
      } finally {
        await connection.close();
      }
    }
    return {
      databaseUrl,
      temporalAddress,
      temporalUiUrl,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
