import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createLogger } from './api/http-app';
import { loadConfig } from './config/config';
import { openDatabase } from './persistence/data-source';
import { banner } from './runtime/banner';
import { Closers } from './runtime/closers';
import { ensureSandbox, loadOrCreateAdminToken } from './runtime/first-run';
import { startInfrastructure } from './runtime/infrastructure';
import { startApiRole } from './runtime/api-role';
import { exitOnStartupFailure, onShutdown } from './runtime/shutdown';
import { installTemporalRuntime } from './temporal/runtime';
import { temporalConnectionOptions } from './temporal/connection-options';
import { createDeliveryWorker } from './temporal/worker';

/**
 * `npm start`: everything in one process for a new user — PostgreSQL and Temporal (embedded unless DATABASE_URL /
 * TEMPORAL_ADDRESS name real ones), the worker, and the API starting workflows eagerly on that worker.
 */
async function main(closers: Closers): Promise<void> {
  let config = loadConfig();
  const logger = createLogger(config, 'main');
  const log = (line: string) => logger.log(line);
  onShutdown(() => closers.closeAll(log), log);

  const infrastructure = await startInfrastructure(config, log, (line) => logger.debug(line));
  closers.add(() => infrastructure.stop());
  const db = await openDatabase(infrastructure.databaseUrl);
  closers.add(() => db.destroy());
  const generatedAdmin = !config.adminToken;
  if (generatedAdmin) config = { ...config, adminToken: await loadOrCreateAdminToken(config.dataDir) };
  const sandbox = generatedAdmin ? await ensureSandbox(db, config.dataDir) : undefined;

  installTemporalRuntime(config);
  const connection = await NativeConnection.connect(temporalConnectionOptions(config.temporal, infrastructure.temporalAddress));
  closers.add(() => connection.close());
  const worker = await createDeliveryWorker(connection, config, db);
  worker.run().catch((err: Error) => {
    logger.error(`worker stopped: ${err.message}`);
    process.kill(process.pid, 'SIGTERM');
  });
  closers.add(() => worker.shutdown());
  const api = await startApiRole(config, db, new Client({ connection, namespace: config.temporal.namespace }), true);
  closers.add(() => api.close());

  process.stdout.write(
    banner({
      apiUrl: api.url,
      temporalUiUrl: infrastructure.temporalUiUrl,
      adminToken: generatedAdmin ? config.adminToken : undefined,
      sandbox,
    }),
  );
}

const closers = new Closers();
main(closers).catch(async (err) => {
  await closers.closeAll((line) => process.stderr.write(`${line}\n`));
  exitOnStartupFailure(err);
});
