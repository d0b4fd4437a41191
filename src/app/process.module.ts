import { type DynamicModule, Global, Module, type Provider } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Config } from '../config/config';
import type { KeyRing } from '../crypto/key-ring';
import { ApiTokenRepository } from '../persistence/repositories/api-token.repository';
import { EnvironmentRepository } from '../persistence/repositories/environment.repository';
import { EventRepository } from '../persistence/repositories/event.repository';
import { EventTypeRepository } from '../persistence/repositories/event-type.repository';
import { NotificationRepository } from '../persistence/repositories/notification.repository';
import { SigningKeyRepository } from '../persistence/repositories/signing-key.repository';
import { SubscriptionRepository } from '../persistence/repositories/subscription.repository';
import { NotificationDispatcher } from '../outbox/notification-dispatcher';
import { OutboxRepository } from '../outbox/outbox.repository';
import { NotificationInspector } from '../temporal/notification-inspector';
import { NotificationSignals } from '../temporal/notification-signals';
import { RecoveryWorkflows } from '../temporal/recovery-workflows';
import { RecoveryRepository } from '../persistence/repositories/recovery.repository';
import { Metrics } from '../observability/metrics';
import { TokenAuthenticator } from '../auth/token-authenticator';
import { RateLimiter } from '../auth/rate-limiter';
import { CONFIG } from '../config/injection';
import { DATA_SOURCE } from '../persistence/injection';

export interface CoreDeps {
  config: Config;
  db: DataSource;
  /** Built once per process from the configuration; seals and opens signing keys. */
  keyRing: KeyRing;
  outbox: OutboxRepository;
  dispatcher: NotificationDispatcher;
  signals: NotificationSignals;
  recoveryWorkflows: RecoveryWorkflows;
  inspector: NotificationInspector;
  /** The process's metrics (published events, created notifications). */
  metrics: Metrics;
}

const repository = <T>(type: new (db: DataSource) => T): Provider => ({
  provide: type,
  useFactory: (db: DataSource) => new type(db),
  inject: [DATA_SOURCE],
});

/** Shared, process-wide values: config, database, repositories (those of signing keys hold the key ring) and the Temporal dispatcher. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(deps: CoreDeps): DynamicModule {
    const signingKeys = new SigningKeyRepository(deps.db, deps.keyRing);
    const providers: Provider[] = [
      { provide: CONFIG, useValue: deps.config },
      { provide: DATA_SOURCE, useValue: deps.db },
      { provide: OutboxRepository, useValue: deps.outbox },
      repository(NotificationRepository),
      { provide: NotificationDispatcher, useValue: deps.dispatcher },
      { provide: NotificationSignals, useValue: deps.signals },
      { provide: RecoveryWorkflows, useValue: deps.recoveryWorkflows },
      { provide: NotificationInspector, useValue: deps.inspector },
      { provide: Metrics, useValue: deps.metrics },
      repository(EnvironmentRepository),
      repository(ApiTokenRepository),
      { provide: SigningKeyRepository, useValue: signingKeys },
      { provide: SubscriptionRepository, useValue: new SubscriptionRepository(deps.db, signingKeys) },
      repository(EventRepository),
      repository(EventTypeRepository),
      repository(RecoveryRepository),
      TokenAuthenticator,
      RateLimiter,
    ];
    return { module: CoreModule, providers, exports: providers };
  }
}
