import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { EventTypesModule } from '../event-types/event-types.module';
import { provideRepositories, signingKeyRepositoryProvider, subscriptionRepositoryProvider } from '../persistence/nest-providers';
import { EventErasureRepository } from '../persistence/repositories/event-erasure.repository';
import { EventRepository } from '../persistence/repositories/event.repository';
import { NotificationRepository } from '../persistence/repositories/notification.repository';
import { EventErasureController } from './event-erasure.controller';
import { EventErasureService } from './event-erasure.service';
import { EventsController } from './events.controller';
import { EventsService } from './events.service';
import { TestEventsController } from './test-events.controller';
import { TestEventsService } from './test-events.service';

@Module({
  imports: [AuthModule, EventTypesModule],
  controllers: [EventsController, EventErasureController, TestEventsController],
  providers: [
    EventsService,
    EventErasureService,
    TestEventsService,
    signingKeyRepositoryProvider,
    subscriptionRepositoryProvider,
    ...provideRepositories(EventRepository, NotificationRepository, EventErasureRepository),
  ],
  exports: [EventsService, TestEventsService],
})
export class EventsModule {}
