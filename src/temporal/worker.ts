import { type NativeConnection, Worker } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import { createActivities } from '../../activities';
import { createHttpSender } from '../../activities/http/sender';
import type { Config } from '../config/config';
import type { KeyRing } from '../crypto/key-ring';
import { DeliveryRepository } from '../persistence/repositories/delivery.repository';
import { workflowSource } from './workflow-source';

export interface DeliveryWorker {
  /** Runs until shutdown() resolves the returned promise. */
  run(): Promise<void>;
  shutdown(): Promise<void>;
}

/** The worker role: polls the task queue, runs deliver-notification workflows and their signed-POST activity. */
export async function createDeliveryWorker(
  connection: NativeConnection,
  config: Config,
  db: DataSource,
  keyRing: KeyRing,
  options: { workflowBundlePath?: string } = {},
): Promise<DeliveryWorker> {
  const sender = createHttpSender({
    allowPrivateTargets: config.delivery.allowPrivateTargets,
    extraCaFiles: config.delivery.extraCaFiles,
    responseBodyLimitBytes: config.delivery.responseBodyLimitBytes,
    // One connection per activity slot: a delivery never waits behind other deliveries to the same receiver.
    maxConnectionsPerOrigin: config.worker.maxConcurrentActivities,
  });
  // The delivery policy comes with each notification (its workflow's input), not from this worker's config.
  const activities = createActivities({ store: new DeliveryRepository(db, keyRing), sender, autoDisableAfterMs: config.worker.autoDisableAfterMs });
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
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}
