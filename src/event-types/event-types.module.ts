import { Module } from '@nestjs/common';
import { CatalogController } from './catalog.controller';
import { EventSchemas } from './event-schemas';
import { EventTypesController } from './event-types.controller';
import { EventTypesService } from './event-types.service';

/** The event catalog; exports the publish-side schema check. */
@Module({ controllers: [EventTypesController, CatalogController], providers: [EventTypesService, EventSchemas], exports: [EventSchemas] })
export class EventTypesModule {}
