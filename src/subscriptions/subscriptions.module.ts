import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
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
    signingKeyRepositoryProvider,
    subscriptionRepositoryProvider,
    ...provideRepositories(NotificationRepository, EnvironmentRepository),
  ],
})
export class SubscriptionsModule {}
