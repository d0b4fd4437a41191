import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Client } from '@temporalio/client';
import { AdminListener } from '../app/admin-listener';
import { createHttpApp } from '../app/http-app';
import { applyServerLimits } from '../app/server-limits';
import { postgresCheck, temporalCheck } from '../observability/readiness';
import { OutboxRelay } from '../outbox/outbox-relay';
import { NotificationDispatcher } from '../outbox/notification-dispatcher';
import { OutboxRepository } from '../outbox/outbox.repository';
import { NotificationInspector } from '../temporal/notification-inspector';
import { NotificationSignals } from '../temporal/notification-signals';
import { PurgeSchedule } from '../temporal/purge-schedule';
import { RecoveryWorkflows } from '../temporal/recovery-workflows';
import { ensureSearchAttributes } from '../temporal/search-attribute-registration';
import type { RoleDeps } from './role-deps';

export interface ApiRole {
  /** Base URL the API listens on, e.g. http://127.0.0.1:3000 */
  url: string;
  /** With ADMIN_PORT: base URL of the admin listener (admin routes, /metrics, /docs); null: they are on `url`. */
  adminUrl: string | null;
  /** The running HTTP app (its routes, for the OpenAPI tests). */
  http: NestExpressApplication;
  /** The outbox relay this API process runs. */
  relay: OutboxRelay;
  close(): Promise<void>;
}

/**
 * The API role: HTTP API plus the outbox relay. `eager` starts workflows on the in-process worker
 * (only valid when `client` sits on that worker's NativeConnection).
 */
export async function startApiRole(deps: RoleDeps, client: Client, eager: boolean, registered?: { searchAttributes: boolean }): Promise<ApiRole> {
  const { config, db, keyRing, metrics } = deps;
  const logger = deps.logger.child({ context: 'api' });
  const warn = (message: string) => logger.warn(message);
  const outbox = new OutboxRepository(db);
  const searchAttributes = registered?.searchAttributes ?? (await ensureSearchAttributes(client, config.temporal.namespace, warn));
  const dispatcher = new NotificationDispatcher({
    client,
    outbox,
    temporal: config.temporal,
    firstAttempt: config.delivery.firstAttempt,
    orderingRecheckMs: config.delivery.orderingRecheckMs,
    eager,
    searchAttributes,
    traceUrlTemplate: config.tracing.urlTemplate,
    warn,
    maxQueuedStarts: config.maxQueuedStarts,
  });
  metrics.watchStartQueue(() => dispatcher.queuedStarts);
  dispatcher.onLeftToRelay((count) => metrics.leftToRelay(count));
  const signals = new NotificationSignals(client, warn, config.releaseSignalRate, config.releasePageSize);
  const recoveryWorkflows = new RecoveryWorkflows({ client, temporal: config.temporal, recovery: config.recovery, searchAttributes });
  const inspector = new NotificationInspector(client);
  const readiness = [postgresCheck(db), temporalCheck(client.connection)];
  const adminListener = config.http.admin ? new AdminListener() : undefined;
  const app = await createHttpApp({
    config,
    db,
    keyRing,
    dispatcher,
    signals,
    recoveryWorkflows,
    inspector,
    purgeSchedule: new PurgeSchedule(client, config.temporal, config.retention),
    metrics,
    logger: deps.logger,
    readiness,
    adminListener,
  });
  applyServerLimits(app.getHttpServer(), config.http.limits);
  await app.listen(config.http.port, config.http.host);
  const address = app.getHttpServer().address() as { port: number };
  const admin =
    adminListener && config.http.admin
      ? await adminListener.listen(app.getHttpAdapter().getInstance(), config.http.admin.port, config.http.admin.host, config.http.limits)
      : null;
  if (admin) logger.info(`admin routes, /metrics and /docs on http://${config.http.admin?.host}:${admin.port} only (ADMIN_PORT)`);
  const relay = new OutboxRelay(outbox, dispatcher, warn, { onStarted: (count) => metrics.relayed(count) });
  relay.start(config.outboxRelayIntervalMs);
  return {
    url: `http://${config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host}:${address.port}`,
    adminUrl: admin && config.http.admin ? `http://${config.http.admin.host === '0.0.0.0' ? '127.0.0.1' : config.http.admin.host}:${admin.port}` : null,
    http: app,
    relay,
    async close() {
      const relayStopped = relay.stop(); // no new batch; the current one ends with the dispatcher below
      await adminListener?.close();
      await app.close(); // no new publishes
      await dispatcher.close(); // queued starts left to the outbox relay (of any API process), those in flight awaited, confirmed ones recorded
      await signals.close(); // releases and cancels in flight awaited; the database already says what they say
      await relayStopped;
    },
  };
}
