import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { type Client, ScheduleNotFoundError } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import { type Config, deliveryPolicyOf, loadConfig } from '../../src/config/config';
import { KeyRing } from '../../src/crypto/key-ring';
import { newId } from '../../src/domain/ids';
import { openDatabase } from '../../src/persistence/data-source';
import { EventRepository } from '../../src/persistence/repositories/event.repository';
import type { ApiRole } from '../../src/runtime/api-role';
import { Closers } from '../../src/lib/closers';
import { startCombinedRoles } from '../../src/runtime/combined-roles';
import { type AppLogger, createAppLogger } from '../../src/observability/logger';
import { processMetrics } from '../../src/runtime/role-deps';
import type { Metrics } from '../../src/observability/metrics';
import { installTemporalRuntime, type TemporalRuntime } from '../../src/runtime/temporal-runtime';
import { setupTracing } from '../../src/observability/tracing';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ApiClient } from './api-client';
import { createEnvironment, type EnvironmentOptions, type TestEnvironment } from './environments';
import { type ReceiverOptions, HttpsReceiver, type Responder } from './https-receiver';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
/** The suite's master key: every app on the suite's database must open the keys the others sealed. */
export const ENCRYPTION_KEY = createHash('sha256').update('plude-webhooks test master key').digest('base64');

export interface TestApp {
  config: Config;
  db: DataSource;
  keyRing: KeyRing;
  client: Client;
  api: ApiRole;
  metrics: Metrics;
  /**
   * The admin token's client: the admin routes, /metrics and /docs go to the admin listener when the app has one
   * (ADMIN_PORT), everything else (the platform catalog's /event-types) to the API's port.
   */
  admin: ApiClient;
  /** A fresh environment and an API client authenticated for it (test/support/environments.ts). */
  newEnvironment(options?: EnvironmentOptions): Promise<TestEnvironment>;
  close(): Promise<void>;
}

/**
 * The real thing in one process, as `npm start` wires it: API (eager workflow starts) and worker, against the
 * suite's Temporal dev server and PostgreSQL database (test/support/global-setup.ts). Each app gets its own task
 * queue, so workflows left running by one test file never reach another's worker.
 */
/** The Temporal runtime of this test file (each has its own module registry), installed by its first app. */
let temporalRuntime: Promise<TemporalRuntime> | undefined;

export async function startTestApp(
  overrides: Record<string, string> = {},
  /**
   * `spanExporter`: tracing on (the app's configuration must say so, e.g. OTEL_TRACES_EXPORTER), its spans exported to
   * this exporter (an in-memory one) as each ends; the traced workflow bundle is made at the worker's start.
   */
  options: { logger?: AppLogger; configure?: (config: Config) => Config; spanExporter?: SpanExporter } = {},
): Promise<TestApp> {
  const bootStartedAt = performance.now();
  const loaded = loadConfig({
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    ADMIN_TOKEN,
    ENCRYPTION_KEY,
    ALLOW_PRIVATE_TARGETS: 'true',
    TEMPORAL_TASK_QUEUE: `test-${randomBytes(4).toString('hex')}`,
    RETRY_INITIAL_INTERVAL: '200ms',
    RETRY_MAX_INTERVAL: '2s',
    DELIVERY_TIMEOUT: '5s',
    DISPATCH_RECOVERY_INTERVAL: '1h',
    LOG_LEVEL: 'error',
    ...overrides,
  });
  // What no variable sets (a resume's page size): a test's own.
  const config = options.configure ? options.configure(loaded) : loaded;
  const keyRing = new KeyRing(config.encryption.key as Buffer, config.encryption.previousKey);
  const closers = new Closers();
  const tracing = options.spanExporter ? await setupTracing(config.tracing, { exporter: options.spanExporter }) : null;
  if (options.spanExporter && !tracing) throw new Error('a span exporter was given, but the configuration leaves tracing off');
  if (tracing) closers.add(() => tracing.shutdown());
  const logger = options.logger ?? createAppLogger(config.log);
  const db = await openDatabase(config.database.url as string, keyRing, { logger: logger.child({ context: 'database' }) });
  closers.add(() => db.destroy());
  temporalRuntime ??= installTemporalRuntime(config, logger);
  const metrics = processMetrics({ db, temporalSdkUrl: (await temporalRuntime).metricsUrl });
  const { api, client } = await startCombinedRoles({ config, db, keyRing, logger, metrics, tracing }, config.temporal.address as string, closers, {
    workflowBundlePath: process.env.TEST_WORKFLOW_BUNDLE,
    tracedWorkflowBundlePath: null,
  });
  // The purge schedule this app's worker made (one per task queue): gone with the app, as its task queue is.
  closers.add(() =>
    client.schedule
      .getHandle(`plude-purge-${config.temporal.taskQueue}`)
      .delete()
      .catch((err: unknown) => {
        if (!(err instanceof ScheduleNotFoundError)) throw err; // PURGE_INTERVAL=0: none was made
      }),
  );
  const admin = new ApiClient(api.url, { token: ADMIN_TOKEN }, api.adminUrl);
  // TEST_APP_BOOT_LOG=<file>: one line per boot (its test file, its overrides, how long it took), to count and time them.
  if (process.env.TEST_APP_BOOT_LOG) {
    const line = `${expect.getState().testPath ?? '?'}\t${Object.keys(overrides).sort().join(',') || '-'}\t${Math.round(performance.now() - bootStartedAt)}\n`;
    appendFileSync(process.env.TEST_APP_BOOT_LOG, line);
  }

  return {
    config,
    db,
    keyRing,
    client,
    api,
    metrics,
    admin,
    newEnvironment: (environment?: EnvironmentOptions) => createEnvironment(admin, environment),
    async close() {
      await closers.closeAll((line) => process.stderr.write(`test app: ${line}\n`));
    },
  };
}

/**
 * One app and one HTTPS receiver for a test file: started before its tests, stopped after them. The app trusts the
 * receiver's self-signed certificate.
 */
export function useTestApp(
  options: { responder?: Responder; receiver?: ReceiverOptions; env?: Record<string, string>; configure?: (config: Config) => Config } = {},
): {
  app: TestApp;
  receiver: HttpsReceiver;
} {
  const context = {} as { app: TestApp; receiver: HttpsReceiver };
  beforeAll(async () => {
    context.receiver = await HttpsReceiver.start(options.responder, options.receiver);
    context.app = await startTestApp({ NODE_EXTRA_CA_CERTS: context.receiver.caFile, ...options.env }, { configure: options.configure });
  });
  afterAll(async () => {
    await context.app?.close();
    await context.receiver?.stop();
  });
  return context;
}

/** An event stored with its notifications but whose workflows were never started: what a crash right after the commit leaves. */
export async function storeWithoutDispatch(app: TestApp, environmentId: string, type: string, data: Record<string, unknown>) {
  return new EventRepository(app.db).insertWithNotifications({
    id: newId('evt'),
    environmentId,
    type,
    dataJson: JSON.stringify(data),
    idempotencyKey: null,
    policy: deliveryPolicyOf(app.config.delivery),
    windowMs: app.config.delivery.windowMs,
  });
}
