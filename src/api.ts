import { Client, Connection } from '@temporalio/client';
import { createLogger } from './api/http-app';
import { loadConfig } from './config/config';
import { openDatabase } from './persistence/data-source';
import { startApiRole } from './runtime/api-role';
import { requireRoleSettings } from './runtime/role-settings';
import { exitOnStartupFailure, onShutdown } from './runtime/shutdown';
import { temporalConnectionOptions } from './temporal/connection-options';

/** `npm run start:api`: the API role alone, against DATABASE_URL and TEMPORAL_ADDRESS. */
async function main(): Promise<void> {
  const config = loadConfig();
  const { databaseUrl, temporalAddress } = requireRoleSettings(config);
  const logger = createLogger(config, 'api');
  if (!config.adminToken) logger.warn('ADMIN_TOKEN is not set: the admin API refuses every request');
  const db = await openDatabase(databaseUrl);
  const connection = await Connection.connect(temporalConnectionOptions(config.temporal, temporalAddress));
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const api = await startApiRole(config, db, client, false);
  logger.log(`listening on ${api.url}`);
  onShutdown(async () => {
    await api.close();
    await connection.close();
    await db.destroy();
  }, (line) => logger.log(line));
}

main().catch(exitOnStartupFailure);
