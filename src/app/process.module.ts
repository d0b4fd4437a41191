import { type DynamicModule, Global, Module, type Provider } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Config } from '../config/config';
import { CONFIG } from '../config/injection';
import { KeyRing } from '../crypto/key-ring';
import { Metrics } from '../observability/metrics';
import { NotificationDispatcher } from '../outbox/notification-dispatcher';
import { DATA_SOURCE } from '../persistence/injection';
import { NotificationInspector } from '../temporal/notification-inspector';
import { NotificationSignals } from '../temporal/notification-signals';
import { PurgeSchedule } from '../temporal/purge-schedule';
import { RecoveryWorkflows } from '../temporal/recovery-workflows';

/** What the API role makes once per process and hands to the HTTP app: values with a lifecycle the role owns. */
export interface ProcessDeps {
  config: Config;
  db: DataSource;
  /** Built once per process from the configuration; seals and opens signing keys. */
  keyRing: KeyRing;
  /** Starts workflows a bounded number at a time; the role closes it after the HTTP server. */
  dispatcher: NotificationDispatcher;
  signals: NotificationSignals;
  recoveryWorkflows: RecoveryWorkflows;
  inspector: NotificationInspector;
  /** The purge's Temporal Schedule, for `plude purge --now`. */
  purgeSchedule: PurgeSchedule;
  /** The process's metrics (published events, created notifications). */
  metrics: Metrics;
}

/**
 * The process's own values, and nothing else: its config, database, key ring, metrics and the Temporal adapters the
 * role made. Repositories and services are declared by the feature modules that use them.
 */
@Global()
@Module({})
export class ProcessModule {
  static forRoot(deps: ProcessDeps): DynamicModule {
    const providers: Provider[] = [
      { provide: CONFIG, useValue: deps.config },
      { provide: DATA_SOURCE, useValue: deps.db },
      { provide: KeyRing, useValue: deps.keyRing },
      { provide: Metrics, useValue: deps.metrics },
      { provide: NotificationDispatcher, useValue: deps.dispatcher },
      { provide: NotificationSignals, useValue: deps.signals },
      { provide: RecoveryWorkflows, useValue: deps.recoveryWorkflows },
      { provide: NotificationInspector, useValue: deps.inspector },
      { provide: PurgeSchedule, useValue: deps.purgeSchedule },
    ];
    return { module: ProcessModule, providers, exports: providers };
  }
}
