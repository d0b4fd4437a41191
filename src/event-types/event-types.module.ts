import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { provideRepositories } from '../persistence/nest-providers';
import { EventTypeRepository } from '../persistence/repositories/event-type.repository';
import { CatalogController } from './catalog.controller';
import { EventSchemas } from './event-schemas';
import { EventTypesController } from './event-types.controller';
import { EventTypesService } from './event-types.service';

/** The event catalog; exports the publish-side schema check. */
@Module({
  imports: [AuthModule],
  controllers: [EventTypesController, CatalogController],
  providers: [EventTypesService, EventSchemas, ...provideRepositories(EventTypeRepository)],
  exports: [EventSchemas, EventTypesService],
})
export class EventTypesModule {}
