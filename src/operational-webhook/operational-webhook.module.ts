import { type DataSource } from 'typeorm';
import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import type { Config } from '../config/config';
import { CONFIG } from '../config/injection';
import { DnsResolver } from '../lib/dns-resolver';
import { DATA_SOURCE } from '../persistence/injection';
import { provideRepositories, signingKeyRepositoryProvider, subscriptionRepositoryProvider } from '../persistence/nest-providers';
import { NotificationRepository } from '../persistence/repositories/notification.repository';
import { OperationalWebhookRepository } from '../persistence/repositories/operational-webhook.repository';
import { SigningKeyRepository } from '../persistence/repositories/signing-key.repository';
import { OperationalWebhookController } from './operational-webhook.controller';
import { OperationalWebhookService } from './operational-webhook.service';

@Module({
  imports: [AuthModule],
  controllers: [OperationalWebhookController],
  providers: [
    OperationalWebhookService,
    // The URL policy resolves the host name with the same bounded lookups as the sender.
    { provide: DnsResolver, useFactory: (config: Config) => new DnsResolver(config.dns), inject: [CONFIG] },
    signingKeyRepositoryProvider,
    subscriptionRepositoryProvider,
    ...provideRepositories(NotificationRepository),
    {
      provide: OperationalWebhookRepository,
      useFactory: (db: DataSource, signingKeys: SigningKeyRepository) => new OperationalWebhookRepository(db, signingKeys),
      inject: [DATA_SOURCE, SigningKeyRepository],
    },
  ],
})
export class OperationalWebhookModule {}
