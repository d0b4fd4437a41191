import { NativeConnection } from '@temporalio/worker';
import { createWorkerHttpApp } from './app/http-app';
import { applyServerLimits } from './app/server-limits';
import { loadConfig } from './config/config';
import { KeyRing } from './crypto/key-ring';
import { postgresCheck, temporalCheck, workerCheck } from './observability/readiness';
import { openDatabase } from './persistence/data-source';
import { Closers } from './lib/closers';
import { createAppLogger } from './observability/logger';
import { processMetrics } from './runtime/role-deps';
import { setupTracing } from './observability/tracing';
import { requireRoleSettings } from './runtime/role-settings';
import { exitOnStartupFailure, onShutdown } from './runtime/shutdown';
import { temporalConnectionOptions } from './temporal/connection-options';
import { installTemporalRuntime } from './runtime/temporal-runtime';
import { createDeliveryWorker } from './runtime/worker-role';

/**
 * `npm run start:worker`: the worker role alone, against DATABASE_URL and TEMPORAL_ADDRESS, with /health/live,
 * /health/ready and /metrics on WORKER_PORT.
 */
async function main(closers: Closers): Promise<void> {
  const config = loadConfig();
  const { databaseUrl, temporalAddress, encryptionKey } = requireRoleSettings(config);
  const keyRing = new KeyRing(encryptionKey, config.encryption.previousKey);
  const logger = createAppLogger(config.log);
  const log = logger.child({ context: 'worker' });
  for (const line of config.warnings) log.warn(line);
  onShutdown(
    () => closers.closeAll((line) => log.info(line)),
    (line) => log.info(line),
  );
  const tracing = await setupTracing(config.tracing);
  if (tracing) closers.add(() => tracing.shutdown()); // last: the spans of everything else's shutdown are exported
  const db = await openDatabase(databaseUrl, keyRing, { logger: logger.child({ context: 'database' }) });
  closers.add(() => db.destroy());
  const temporal = await installTemporalRuntime(config, logger);
  const metrics = processMetrics({ temporalSdkUrl: temporal.metricsUrl });
  const connection = await NativeConnection.connect(temporalConnectionOptions(config.temporal, temporalAddress));
  closers.add(() => connection.close());
  const worker = await createDeliveryWorker(connection, { config, db, keyRing, logger, metrics, tracing });
  closers.add(() => worker.shutdown());
  const http = await createWorkerHttpApp(logger, metrics, [postgresCheck(db), temporalCheck(connection), workerCheck(worker)]);
  applyServerLimits(http.getHttpServer(), config.http.limits);
  await http.listen(config.worker.port, config.http.host);
  closers.add(() => http.close());
  log.info(`polling task queue ${config.temporal.taskQueue} on ${temporalAddress}; health and metrics on port ${config.worker.port}`);
  await worker.run();
}

const closers = new Closers();
main(closers).catch(async (err) => {
  await closers.closeAll((line) => process.stderr.write(`${line}\n`));
  exitOnStartupFailure(err);
});
