import { type DynamicModule, Module } from '@nestjs/common';
import { AdminModule } from '../admin/admin.module';
import { EventTypesModule } from '../event-types/event-types.module';
import { EventsModule } from '../events/events.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { RecoveriesModule } from '../recoveries/recoveries.module';
import { SigningKeysModule } from '../subscriptions/signing-keys.module';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module';
import { CoreModule, type CoreDeps } from './core.module';
import { HealthController } from './health.controller';

@Module({})
export class AppModule {
  static forRoot(deps: CoreDeps): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(deps), AdminModule, SubscriptionsModule, SigningKeysModule, EventTypesModule, EventsModule, NotificationsModule, RecoveriesModule],
      controllers: [HealthController],
    };
  }
}
