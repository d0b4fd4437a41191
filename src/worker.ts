import { NativeConnection } from '@temporalio/worker';
import { createLogger } from './api/http-app';
import { loadConfig } from './config/config';
import { openDatabase } from './persistence/data-source';
import { requireRoleSettings } from './runtime/role-settings';
import { exitOnStartupFailure, onShutdown } from './runtime/shutdown';
import { installTemporalRuntime } from './temporal/runtime';
import { temporalConnectionOptions } from './temporal/connection-options';
import { createDeliveryWorker } from './temporal/worker';

/** `npm run start:worker`: the worker role alone, against DATABASE_URL and TEMPORAL_ADDRESS. */
async function main(): Promise<void> {
  const config = loadConfig();
  const { databaseUrl, temporalAddress } = requireRoleSettings(config);
  const logger = createLogger(config, 'worker');
  const db = await openDatabase(databaseUrl);
  installTemporalRuntime(config);
  const connection = await NativeConnection.connect(temporalConnectionOptions(config.temporal, temporalAddress));
  const worker = await createDeliveryWorker(connection, config, db);
  onShutdown(async () => {
    await worker.shutdown();
    await connection.close();
    await db.destroy();
  }, (line) => logger.log(line));
  logger.log(`polling task queue ${config.temporal.taskQueue} on ${temporalAddress}`);
  await worker.run();
}

main().catch(exitOnStartupFailure);
