import { Injectable } from '@nestjs/common';
import { notFound, validationError } from '../domain/errors';
import { compileEventSchema, schemaMismatch } from '../domain/event-schema';
import { EVENT_TYPE, EVENT_TYPE_MESSAGE } from '../domain/event-type';
import { EventTypeRepository } from '../persistence/repositories/event-type.repository';
import { renderCatalogPage } from './catalog-page';
import { type DeclareEventTypeRequest, type EventTypeList, EventTypeView } from './event-type.dto';
import { exampleBody, type NotificationBodyExample } from './example-body';

/** A catalog entry as a reader of one environment sees it: with its example as that environment's receivers get it. */
export interface CatalogEntry extends EventTypeView {
  exampleBody: NotificationBodyExample | null;
}

/** The platform's catalog: one set of event types, declared by the platform and read by every environment. */
@Injectable()
export class EventTypesService {
  constructor(private readonly types: EventTypeRepository) {}

  /**
   * Declares the type (or replaces its declaration, bringing an archived one back). The schema must compile
   * (400 otherwise) and the example must match it (422 otherwise, with every violation).
   */
  async declare(name: string, request: DeclareEventTypeRequest): Promise<EventTypeView> {
    if (!EVENT_TYPE.test(name)) throw validationError(`event type ${JSON.stringify(name)} is not valid: ${EVENT_TYPE_MESSAGE}`);
    const schema = request.schema ?? null;
    const example = request.example ?? null;
    if (schema !== null) {
      const check = compileEventSchema(schema);
      const violations = example === null ? [] : check(example);
      if (violations.length > 0) throw schemaMismatch('example', violations);
    }
    return EventTypeView.from(await this.types.declare({ name, description: request.description, schema, example }));
  }

  async archive(name: string): Promise<void> {
    // A name that cannot be declared never reaches the database (a NUL character would make PostgreSQL fail).
    if (!EVENT_TYPE.test(name) || !(await this.types.archive(name))) throw notFound('event type', name);
  }

  async list(): Promise<EventTypeList> {
    return { items: (await this.types.listAll()).map(EventTypeView.from) };
  }

  /** The catalog for a reader of `environmentId`: every type, archived ones included, with its example body. */
  async catalog(environmentId: string): Promise<CatalogEntry[]> {
    return (await this.list()).items.map((type) => ({ ...type, exampleBody: exampleBody(environmentId, type) }));
  }

  /** The catalog as a page for a reader of `environmentId` (its example bodies name that environment). */
  async page(environmentId: string): Promise<string> {
    return renderCatalogPage(environmentId, (await this.list()).items);
  }
}
