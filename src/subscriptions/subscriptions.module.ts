import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import type { Config } from '../config/config';
import { CONFIG } from '../config/injection';
import { DnsResolver } from '../lib/dns-resolver';
import { provideRepositories, signingKeyRepositoryProvider, subscriptionRepositoryProvider } from '../persistence/nest-providers';
import { EnvironmentRepository } from '../persistence/repositories/environment.repository';
import { NotificationRepository } from '../persistence/repositories/notification.repository';
import { SubscriptionsController } from './subscriptions.controller';
import { SubscriptionsService } from './subscriptions.service';

@Module({
  imports: [AuthModule],
  controllers: [SubscriptionsController],
  providers: [
    SubscriptionsService,
    // The URL policy resolves subscribed host names with the same bounded lookups as the sender.
    { provide: DnsResolver, useFactory: (config: Config) => new DnsResolver(config.dns), inject: [CONFIG] },
    signingKeyRepositoryProvider,
    subscriptionRepositoryProvider,
    ...provideRepositories(NotificationRepository, EnvironmentRepository),
  ],
  exports: [SubscriptionsService],
})
export class SubscriptionsModule {}
