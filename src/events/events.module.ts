import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { EventTypesModule } from '../event-types/event-types.module';
import { provideRepositories } from '../persistence/nest-providers';
import { EventRepository } from '../persistence/repositories/event.repository';
import { NotificationRepository } from '../persistence/repositories/notification.repository';
import { EventsController } from './events.controller';
import { EventsService } from './events.service';

@Module({
  imports: [AuthModule, EventTypesModule],
  controllers: [EventsController],
  providers: [EventsService, ...provideRepositories(EventRepository, NotificationRepository)],
})
export class EventsModule {}
