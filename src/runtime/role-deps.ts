import type { DataSource } from 'typeorm';
import type { Config } from '../config/config';
import type { KeyRing } from '../crypto/key-ring';
import { Metrics } from '../observability/metrics';
import { NotificationRepository } from '../persistence/repositories/notification.repository';
import type { AppLogger } from '../observability/logger';
import type { Tracing } from '../observability/tracing';

/** What every role of a process shares: made once at start-up, by main.ts, api.ts, worker.ts (or the tests). */
export interface RoleDeps {
  config: Config;
  db: DataSource;
  keyRing: KeyRing;
  /** The process's one logger (src/observability/logger.ts). */
  logger: AppLogger;
  /** The process's one set of metrics. */
  metrics: Metrics;
  /** Tracing's interceptors and sinks when it is on (src/observability/tracing.ts); absent or null: off. */
  tracing?: Tracing | null;
}

/** The process's Temporal client options: the tracing client interceptor when tracing is on, nothing otherwise. */
export const clientTracing = (tracing?: Tracing | null) => (tracing ? { interceptors: tracing.clientInterceptors } : {});

/**
 * The process's metrics: the pending count when it runs the API (`db`), and the Temporal SDK's exporter when it
 * runs a worker (`temporalSdkUrl`).
 */
export function processMetrics(options: { db?: DataSource; temporalSdkUrl?: string }): Metrics {
  const notifications = options.db ? new NotificationRepository(options.db) : undefined;
  return new Metrics({ pendingNotifications: notifications && (() => notifications.countPending()), temporalSdkUrl: options.temporalSdkUrl });
}
