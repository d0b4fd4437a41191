import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { temporalConnectionOptions } from '../temporal/connection-options';
import { ensureSearchAttributes } from '../temporal/search-attribute-registration';
import { createDeliveryWorker } from './worker-role';
import { type ApiRole, startApiRole } from './api-role';
import type { Closers } from '../lib/closers';
import { clientTracing, type RoleDeps } from './role-deps';

export interface CombinedRoles {
  api: ApiRole;
  client: Client;
  /** Settles when the worker stops: resolves after a shutdown, rejects if it fails. */
  workerRun: Promise<void>;
}

/**
 * The worker and the API in one process on one connection, the API starting workflows eagerly on that worker:
 * what `npm start` runs, and what the end-to-end tests run. The Temporal runtime must be installed first
 * (src/runtime/temporal-runtime.ts). Everything started is added to `closers`.
 */
export async function startCombinedRoles(
  deps: RoleDeps,
  temporalAddress: string,
  closers: Closers,
  options: { workflowBundlePath?: string; tracedWorkflowBundlePath?: string | null } = {},
): Promise<CombinedRoles> {
  const connection = await NativeConnection.connect(temporalConnectionOptions(deps.config.temporal, temporalAddress));
  closers.add(() => connection.close());
  const client = new Client({ connection, namespace: deps.config.temporal.namespace, ...clientTracing(deps.tracing) });
  // Checked once for both roles: each would otherwise describe (and perhaps register) them itself.
  const searchAttributes = await ensureSearchAttributes(client, deps.config.temporal.namespace, (message) => deps.logger.warn(message));
  const worker = await createDeliveryWorker(connection, deps, { ...options, searchAttributes });
  const workerRun = worker.run();
  closers.add(() => worker.shutdown());
  const api = await startApiRole(deps, client, true, { searchAttributes });
  closers.add(() => api.close());
  return { api, client, workerRun };
}
