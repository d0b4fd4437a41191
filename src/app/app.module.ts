import { type DynamicModule, Module } from '@nestjs/common';
import { ApiTokensModule } from '../api-tokens/api-tokens.module';
import { EnvironmentsModule } from '../environments/environments.module';
import { EventTypesModule } from '../event-types/event-types.module';
import { EventsModule } from '../events/events.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { OperationalWebhookModule } from '../operational-webhook/operational-webhook.module';
import { PortalModule } from '../portal/portal.module';
import { PurgeModule } from '../purge/purge.module';
import { RecoveriesModule } from '../recoveries/recoveries.module';
import { SigningKeysModule } from '../subscriptions/signing-keys.module';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module';
import { ProcessModule, type ProcessDeps } from './process.module';

@Module({})
export class AppModule {
  /** The API's modules, after `infrastructure` (request logging, health and metrics). */
  static forRoot(deps: ProcessDeps, infrastructure: DynamicModule[]): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...infrastructure,
        ProcessModule.forRoot(deps),
        EnvironmentsModule,
        ApiTokensModule,
        SubscriptionsModule,
        SigningKeysModule,
        EventTypesModule,
        EventsModule,
        NotificationsModule,
        RecoveriesModule,
        OperationalWebhookModule,
        PurgeModule,
        PortalModule,
      ],
    };
  }
}
