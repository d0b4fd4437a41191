import { type DynamicModule, Global, Module, type Provider } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Config } from '../config/config';
import { ApiTokenRepository } from '../persistence/repositories/api-token.repository';
import { EnvironmentRepository } from '../persistence/repositories/environment.repository';
import { EventRepository } from '../persistence/repositories/event.repository';
import { NotificationRepository } from '../persistence/repositories/notification.repository';
import { SubscriptionRepository } from '../persistence/repositories/subscription.repository';
import { NotificationDispatcher } from '../temporal/notification-dispatcher';
import { NotificationSignals } from '../temporal/notification-signals';
import { ApiTokenService } from '../auth/api-token.service';
import { CONFIG, DATA_SOURCE } from './tokens';

export interface CoreDeps {
  config: Config;
  db: DataSource;
  notifications: NotificationRepository;
  dispatcher: NotificationDispatcher;
  signals: NotificationSignals;
}

const repository = <T>(type: new (db: DataSource) => T): Provider => ({
  provide: type,
  useFactory: (db: DataSource) => new type(db),
  inject: [DATA_SOURCE],
});

/** Shared, process-wide values: config, database, repositories and the Temporal dispatcher. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(deps: CoreDeps): DynamicModule {
    const providers: Provider[] = [
      { provide: CONFIG, useValue: deps.config },
      { provide: DATA_SOURCE, useValue: deps.db },
      { provide: NotificationRepository, useValue: deps.notifications },
      { provide: NotificationDispatcher, useValue: deps.dispatcher },
      { provide: NotificationSignals, useValue: deps.signals },
      repository(EnvironmentRepository),
      repository(ApiTokenRepository),
      repository(SubscriptionRepository),
      repository(EventRepository),
      ApiTokenService,
    ];
    return { module: CoreModule, providers, exports: providers };
  }
}
