import { Client } from '@temporalio/client';
import { type NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { createHttpSender } from '../../activities/http/sender';
import type { RecoveryStore } from '../../activities/ports';
import { createOrderingActivities } from '../../activities/ordering';
import { createPurgeActivities } from '../../activities/purge';
import { createRecoveryActivities } from '../../activities/recovery';
import { deliveryPolicyOf } from '../config/config';
import { fairShareCaps } from '../domain/fair-share';
import { DnsResolver } from '../lib/dns-resolver';
import { DeliveryRepository } from '../persistence/repositories/delivery.repository';
import { OperationalEventRepository } from '../persistence/repositories/operational-event.repository';
import { OrderingRepository } from '../persistence/repositories/ordering.repository';
import { PurgeRepository } from '../persistence/repositories/purge.repository';
import { RecoveryRepository } from '../persistence/repositories/recovery.repository';
import { clientTracing, type RoleDeps } from './role-deps';
import { OUTBOX_GRACE_MS } from '../outbox/outbox-relay';
import { NotificationDispatcher } from '../outbox/notification-dispatcher';
import { OutboxRepository } from '../outbox/outbox.repository';
import { PurgeSchedule } from '../temporal/purge-schedule';
import { ensureSearchAttributes } from '../temporal/search-attribute-registration';
import { turnSignals } from '../temporal/turn-signals';
import { tracedWorkflowSource, workflowSource } from './workflow-source';

/** The recovery activities' storage: the outbox pages its redeliveries, the recovery's row records its end. */
const recoveryStore = (outbox: OutboxRepository, recoveries: RecoveryRepository): RecoveryStore => ({
  redeliverPage: (recoveryId, after, limit, graceMs) => outbox.redeliverPage(recoveryId, after, limit, graceMs),
  complete: (recoveryId) => recoveries.complete(recoveryId),
});

/**
 * The purge's schedule, made sure of by every worker at start-up (the worker runs the purge). A server that refuses
 * (no Schedules, no rights) is logged, and the worker starts all the same: nothing is purged until it is fixed.
 */
async function ensurePurgeSchedule(schedule: PurgeSchedule, logger: RoleDeps['logger']): Promise<void> {
  try {
    const done = await schedule.ensure();
    if (done !== 'unchanged' && done !== 'none') logger.info({ context: 'purge', scheduleId: schedule.scheduleId }, `purge schedule ${done}`);
  } catch (err) {
    logger.warn(
      { context: 'purge', scheduleId: schedule.scheduleId },
      `the purge schedule could not be made sure of: ${(err as Error).message}; nothing is purged`,
    );
  }
}

/**
 * Workflow tasks one worker runs at once (the SDK's default, stated so that the fair share can count it): a local first
 * attempt holds one for as long as it runs.
 */
const WORKFLOW_TASK_SLOTS = 40;

export interface DeliveryWorker {
  /** Runs until shutdown() resolves the returned promise. */
  run(): Promise<void>;
  shutdown(): Promise<void>;
  /** True while it polls its task queue. */
  isRunning(): boolean;
}

/**
 * The worker role: polls the task queue, runs deliver-notification workflows and their signed-POST activity, and
 * recover-subscription workflows, whose activity starts redeliveries' workflows through a dispatcher of its own.
 */
export async function createDeliveryWorker(
  connection: NativeConnection,
  { config, db, keyRing, metrics, logger, tracing }: RoleDeps,
  /** `searchAttributes`: whether they are registered, when the caller has already made sure (npm start's one process). */
  /**
   * `tracedWorkflowBundlePath`: the bundle with the tracing interceptors (tracing on), by default the build's; null:
   * bundled at start-up.
   */
  options: { workflowBundlePath?: string; tracedWorkflowBundlePath?: string | null; searchAttributes?: boolean } = {},
): Promise<DeliveryWorker> {
  const warn = (message: string) => logger.warn(message);
  const sender = createHttpSender({
    allowPrivateTargets: config.delivery.allowPrivateTargets,
    allowedPorts: config.delivery.allowedPorts,
    extraCaFiles: config.delivery.extraCaFiles,
    privateTargetCaFiles: config.delivery.privateTargetCaFiles,
    responseBodyLimitBytes: config.delivery.responseBodyLimitBytes,
    // One connection per activity slot: a delivery never waits behind other deliveries to the same receiver.
    maxConnectionsPerOrigin: config.worker.maxConcurrentActivities,
    // Receivers' names: c-ares with a deadline and a cache, never getaddrinfo on libuv's 4 threads (issue 20).
    resolver: new DnsResolver(config.dns),
  });
  const client = new Client({ connection, namespace: config.temporal.namespace, ...clientTracing(tracing) });
  const outbox = new OutboxRepository(db);
  const dispatcher = new NotificationDispatcher({
    client,
    outbox,
    temporal: config.temporal,
    firstAttempt: config.delivery.firstAttempt,
    orderingRecheckMs: config.delivery.orderingRecheckMs,
    eager: false,
    searchAttributes: options.searchAttributes ?? (await ensureSearchAttributes(client, config.temporal.namespace, warn)),
    traceUrlTemplate: config.tracing.urlTemplate,
    warn,
    maxQueuedStarts: config.maxQueuedStarts,
  });
  metrics.watchStartQueue(() => dispatcher.queuedStarts);
  dispatcher.onLeftToRelay((count) => metrics.leftToRelay(count));
  const starter = {
    dispatch: (d: Parameters<NotificationDispatcher['dispatch']>[0]) => dispatcher.dispatch(d),
    markDispatched: (ids: string[]) => outbox.markDispatched(ids),
  };
  // Operational events (a subscription disabled, a notification expired) get this worker's policy and window; their
  // workflows start as soon as they are committed, through this worker's dispatcher (the outbox relay otherwise).
  const operational = new OperationalEventRepository({ policy: deliveryPolicyOf(config.delivery), windowMs: config.delivery.windowMs });
  const store = new DeliveryRepository(db, keyRing, { events: operational, raised: (dispatches) => dispatcher.startInBackground(dispatches) });
  // The delivery policy comes with each notification (its workflow's input), not from this worker's config.
  const activities = {
    ...createActivities({
      store,
      sender,
      metrics,
      autoDisableAfterMs: config.worker.autoDisableAfterMs,
      gate: config.delivery.gate,
      // Each environment's share of this worker's slots (ENVIRONMENT_MAX_IN_FLIGHT_SHARE), counted in memory.
      fairShare: fairShareCaps(config.worker.environmentShare, { activities: config.worker.maxConcurrentActivities, workflowTasks: WORKFLOW_TASK_SLOTS }),
    }),
    ...createOrderingActivities({ store: new OrderingRepository(db), turns: turnSignals(client) }),
    ...createRecoveryActivities({ store: recoveryStore(outbox, new RecoveryRepository(db)), starter, graceMs: OUTBOX_GRACE_MS }),
    ...createPurgeActivities({ store: new PurgeRepository(db), metrics }),
  };
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    // Tracing on: the traced bundle, the activity interceptors (a span per attempt) and the workflow spans' sink.
    ...(tracing
      ? { ...tracedWorkflowSource(options.tracedWorkflowBundlePath), interceptors: tracing.workerInterceptors, sinks: tracing.sinks }
      : workflowSource(options.workflowBundlePath)),
    activities,
    maxConcurrentActivityTaskExecutions: config.worker.maxConcurrentActivities,
    maxConcurrentWorkflowTaskExecutions: WORKFLOW_TASK_SLOTS,
    shutdownGraceTime: '10s',
  });
  await ensurePurgeSchedule(new PurgeSchedule(client, config.temporal, config.retention), logger);
  let running: Promise<void> | undefined;
  return {
    run() {
      running ??= worker.run().finally(() => Promise.all([sender.close(), dispatcher.close()]));
      return running;
    },
    isRunning: () => worker.getState() === 'RUNNING',
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}
