import { NativeConnection } from '@temporalio/worker';
import { createLogger } from './api/http-app';
import { loadConfig } from './config/config';
import { KeyRing } from './crypto/key-ring';
import { openDatabase } from './persistence/data-source';
import { Closers } from './runtime/closers';
import { requireRoleSettings } from './runtime/role-settings';
import { exitOnStartupFailure, onShutdown } from './runtime/shutdown';
import { installTemporalRuntime } from './temporal/runtime';
import { temporalConnectionOptions } from './temporal/connection-options';
import { createDeliveryWorker } from './temporal/worker';

/** `npm run start:worker`: the worker role alone, against DATABASE_URL and TEMPORAL_ADDRESS. */
async function main(closers: Closers): Promise<void> {
  const config = loadConfig();
  const { databaseUrl, temporalAddress, encryptionKey } = requireRoleSettings(config);
  const keyRing = new KeyRing(encryptionKey, config.encryption.previousKey);
  const logger = createLogger(config, 'worker');
  onShutdown(() => closers.closeAll((line) => logger.log(line)), (line) => logger.log(line));
  const db = await openDatabase(databaseUrl, keyRing, { logger: createLogger(config, 'database') });
  closers.add(() => db.destroy());
  installTemporalRuntime(config);
  const connection = await NativeConnection.connect(temporalConnectionOptions(config.temporal, temporalAddress));
  closers.add(() => connection.close());
  const worker = await createDeliveryWorker(connection, config, db, keyRing, { warn: (message) => logger.warn(message) });
  closers.add(() => worker.shutdown());
  logger.log(`polling task queue ${config.temporal.taskQueue} on ${temporalAddress}`);
  await worker.run();
}

const closers = new Closers();
main(closers).catch(async (err) => {
  await closers.closeAll((line) => process.stderr.write(`${line}\n`));
  exitOnStartupFailure(err);
});
