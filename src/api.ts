import { Client, Connection } from '@temporalio/client';
import { loadConfig } from './config/config';
import { KeyRing } from './crypto/key-ring';
import { openDatabase } from './persistence/data-source';
import { startApiRole } from './runtime/api-role';
import { Closers } from './lib/closers';
import { createAppLogger } from './observability/logger';
import { clientTracing, processMetrics } from './runtime/role-deps';
import { setupTracing } from './observability/tracing';
import { requireRoleSettings } from './runtime/role-settings';
import { exitOnStartupFailure, onShutdown } from './runtime/shutdown';
import { temporalConnectionOptions } from './temporal/connection-options';

/** `npm run start:api`: the API role alone, against DATABASE_URL and TEMPORAL_ADDRESS. */
async function main(closers: Closers): Promise<void> {
  const config = loadConfig();
  const { databaseUrl, temporalAddress, encryptionKey } = requireRoleSettings(config);
  const keyRing = new KeyRing(encryptionKey, config.encryption.previousKey);
  const logger = createAppLogger(config.log);
  const log = logger.child({ context: 'api' });
  for (const line of config.warnings) log.warn(line);
  onShutdown(
    () => closers.closeAll((line) => log.info(line)),
    (line) => log.info(line),
  );
  if (!config.adminToken) log.warn('ADMIN_TOKEN is not set: the admin API refuses every request');
  const tracing = await setupTracing(config.tracing);
  if (tracing) closers.add(() => tracing.shutdown()); // last: the spans of everything else's shutdown are exported
  const db = await openDatabase(databaseUrl, keyRing, { logger: logger.child({ context: 'database' }) });
  closers.add(() => db.destroy());
  const connection = await Connection.connect(temporalConnectionOptions(config.temporal, temporalAddress));
  closers.add(() => connection.close());
  const client = new Client({ connection, namespace: config.temporal.namespace, ...clientTracing(tracing) });
  const api = await startApiRole({ config, db, keyRing, logger, metrics: processMetrics({ db }), tracing }, client, false);
  closers.add(() => api.close());
  log.info(`listening on ${api.url}`);
}

const closers = new Closers();
main(closers).catch(async (err) => {
  await closers.closeAll((line) => process.stderr.write(`${line}\n`));
  exitOnStartupFailure(err);
});
