import { type NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { createHttpSender } from '../../activities/http/sender';
import { DeliveryRepository } from '../persistence/repositories/delivery.repository';
import type { RoleDeps } from '../runtime/role-deps';
import { workflowSource } from './workflow-source';

export interface DeliveryWorker {
  /** Runs until shutdown() resolves the returned promise. */
  run(): Promise<void>;
  shutdown(): Promise<void>;
  /** True while it polls its task queue. */
  isRunning(): boolean;
}

/** The worker role: polls the task queue, runs deliver-notification workflows and their signed-POST activity. */
export async function createDeliveryWorker(
  connection: NativeConnection,
  { config, db, keyRing, metrics }: RoleDeps,
  options: { workflowBundlePath?: string } = {},
): Promise<DeliveryWorker> {
  const sender = createHttpSender({
    allowPrivateTargets: config.delivery.allowPrivateTargets,
    extraCaFile: config.delivery.extraCaFile,
    responseBodyLimitBytes: config.delivery.responseBodyLimitBytes,
    // One connection per activity slot: a delivery never waits behind other deliveries to the same receiver.
    maxConnectionsPerOrigin: config.worker.maxConcurrentActivities,
  });
  // The delivery policy comes with each notification (its workflow's input), not from this worker's config.
  const store = new DeliveryRepository(db, keyRing);
  const activities = createActivities({ store, sender, metrics, autoDisableAfterMs: config.worker.autoDisableAfterMs });
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    ...workflowSource(options.workflowBundlePath),
    activities,
    maxConcurrentActivityTaskExecutions: config.worker.maxConcurrentActivities,
    shutdownGraceTime: '10s',
  });
  let running: Promise<void> | undefined;
  return {
    run() {
      running ??= worker.run().finally(() => sender.close());
      return running;
    },
    isRunning: () => worker.getState() === 'RUNNING',
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}
