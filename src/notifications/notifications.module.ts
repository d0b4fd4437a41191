import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { OutboxRepository } from '../outbox/outbox.repository';
import { provideRepositories } from '../persistence/nest-providers';
import { NotificationRepository } from '../persistence/repositories/notification.repository';
import { NotificationsController } from './notifications.controller';
import { NotificationsService } from './notifications.service';

@Module({
  imports: [AuthModule],
  controllers: [NotificationsController],
  providers: [NotificationsService, ...provideRepositories(NotificationRepository, OutboxRepository)],
  exports: [NotificationsService],
})
export class NotificationsModule {}
