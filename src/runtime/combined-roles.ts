import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import { createLogger } from '../api/http-app';
import type { Config } from '../config/config';
import type { KeyRing } from '../crypto/key-ring';
import { temporalConnectionOptions } from '../temporal/connection-options';
import { installTemporalRuntime } from '../temporal/runtime';
import { createDeliveryWorker } from '../temporal/worker';
import { type ApiRole, startApiRole } from './api-role';
import type { Closers } from './closers';

export interface CombinedRoles {
  api: ApiRole;
  client: Client;
  /** Settles when the worker stops: resolves after a shutdown, rejects if it fails. */
  workerRun: Promise<void>;
}

/**
 * The worker and the API in one process on one connection, the API starting workflows eagerly on that worker:
 * what `npm start` runs, and what the end-to-end tests run. Everything started is added to `closers`.
 */
export async function startCombinedRoles(
  config: Config,
  db: DataSource,
  keyRing: KeyRing,
  temporalAddress: string,
  closers: Closers,
  options: { workflowBundlePath?: string } = {},
): Promise<CombinedRoles> {
  installTemporalRuntime(config);
  const connection = await NativeConnection.connect(temporalConnectionOptions(config.temporal, temporalAddress));
  closers.add(() => connection.close());
  const logger = createLogger(config, 'worker');
  const worker = await createDeliveryWorker(connection, config, db, keyRing, { ...options, warn: (message) => logger.warn(message) });
  const workerRun = worker.run();
  closers.add(() => worker.shutdown());
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const api = await startApiRole(config, db, keyRing, client, true);
  closers.add(() => api.close());
  return { api, client, workerRun };
}
