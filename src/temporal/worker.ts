import { Client } from '@temporalio/client';
import { type NativeConnection, Worker } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import { createActivities } from '../../activities';
import { createHttpSender } from '../../activities/http/sender';
import { createRecoveryActivities } from '../../activities/recovery';
import type { Config } from '../config/config';
import type { KeyRing } from '../crypto/key-ring';
import { DeliveryRepository } from '../persistence/repositories/delivery.repository';
import { NotificationRepository } from '../persistence/repositories/notification.repository';
import { RecoveryRepository } from '../persistence/repositories/recovery.repository';
import { GRACE_MS } from './dispatch-recovery';
import { NotificationDispatcher } from './notification-dispatcher';
import { ensureSearchAttributes } from './search-attribute-registration';
import { workflowSource } from './workflow-source';

export interface DeliveryWorker {
  /** Runs until shutdown() resolves the returned promise. */
  run(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * The worker role: polls the task queue, runs deliver-notification workflows and their signed-POST activity, and
 * recover-subscription workflows, whose activity starts redeliveries' workflows through a dispatcher of its own.
 */
export async function createDeliveryWorker(
  connection: NativeConnection,
  config: Config,
  db: DataSource,
  keyRing: KeyRing,
  options: { workflowBundlePath?: string; warn?: (message: string) => void } = {},
): Promise<DeliveryWorker> {
  const warn = options.warn ?? ((message: string) => process.stderr.write(`${message}\n`));
  const sender = createHttpSender({
    allowPrivateTargets: config.delivery.allowPrivateTargets,
    extraCaFile: config.delivery.extraCaFile,
    responseBodyLimitBytes: config.delivery.responseBodyLimitBytes,
    // One connection per activity slot: a delivery never waits behind other deliveries to the same receiver.
    maxConnectionsPerOrigin: config.worker.maxConcurrentActivities,
  });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const notifications = new NotificationRepository(db);
  const dispatcher = new NotificationDispatcher({
    client,
    notifications,
    temporal: config.temporal,
    firstAttempt: config.delivery.firstAttempt,
    eager: false,
    searchAttributes: await ensureSearchAttributes(client, config.temporal.namespace, warn),
    warn,
  });
  const starter = { dispatch: (d: Parameters<NotificationDispatcher['dispatch']>[0]) => dispatcher.dispatch(d), markDispatched: (ids: string[]) => notifications.markDispatched(ids) };
  // The delivery policy comes with each notification (its workflow's input), not from this worker's config.
  const activities = {
    ...createActivities({ store: new DeliveryRepository(db, keyRing), sender, autoDisableAfterMs: config.worker.autoDisableAfterMs }),
    ...createRecoveryActivities({ store: new RecoveryRepository(db), starter, graceMs: GRACE_MS }),
  };
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
      running ??= worker.run().finally(() => Promise.all([sender.close(), dispatcher.close()]));
      return running;
    },
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}
