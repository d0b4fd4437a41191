import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { temporalConnectionOptions } from '../temporal/connection-options';
import { createDeliveryWorker } from '../temporal/worker';
import { type ApiRole, startApiRole } from './api-role';
import type { Closers } from './closers';
import type { RoleDeps } from './role-deps';

export interface CombinedRoles {
  api: ApiRole;
  client: Client;
  /** Settles when the worker stops: resolves after a shutdown, rejects if it fails. */
  workerRun: Promise<void>;
}

/**
 * The worker and the API in one process on one connection, the API starting workflows eagerly on that worker:
 * what `npm start` runs, and what the end-to-end tests run. The Temporal runtime must be installed first
 * (src/temporal/runtime.ts). Everything started is added to `closers`.
 */
export async function startCombinedRoles(
  deps: RoleDeps,
  temporalAddress: string,
  closers: Closers,
  options: { workflowBundlePath?: string } = {},
): Promise<CombinedRoles> {
  const connection = await NativeConnection.connect(temporalConnectionOptions(deps.config.temporal, temporalAddress));
  closers.add(() => connection.close());
  const worker = await createDeliveryWorker(connection, deps, options);
  const workerRun = worker.run();
  closers.add(() => worker.shutdown());
  const client = new Client({ connection, namespace: deps.config.temporal.namespace });
  const api = await startApiRole(deps, client, true);
  closers.add(() => api.close());
  return { api, client, workerRun };
}
