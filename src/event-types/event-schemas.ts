import { Injectable } from '@nestjs/common';
import { unprocessable } from '../domain/errors';
import { compileEventSchema, type EventDataCheck, schemaMismatch } from '../domain/event-schema';
import { EventTypeRepository } from '../persistence/repositories/event-type.repository';

/** Compiled schemas kept at most; past that the cache starts again (a few KB each). */
const CACHE_MAX = 1_000;

/**
 * The publish side of the catalog: checks an event, in whichever environment it is published, against the platform's
 * declaration of its type. Schemas are compiled once per version and kept by (type, updated_at): a publish of a
 * declared type costs one indexed read that returns the schema only when it changed, then the compiled check. An
 * undeclared type is accepted as it is.
 */
@Injectable()
export class EventSchemas {
  /** By type name. */
  private readonly cache = new Map<string, { version: string; check: EventDataCheck | null }>();

  constructor(private readonly types: EventTypeRepository) {}

  /**
   * A declared type's example, as its exact text: the data of a test event sent without its own. An undeclared type,
   * or one declared without an example, is a 422 (a test event of it must bring its data).
   */
  async exampleOf(type: string): Promise<string> {
    const found = await this.types.findExample(type);
    if (!found) throw unprocessable(`event type ${type} is not in the catalog: send the test event's data with it, or declare the type with an example`);
    if (found.exampleJson === null || found.exampleJson === 'null') {
      throw unprocessable(`event type ${type} has no example: send the test event's data with it, or declare the type with an example`);
    }
    return found.exampleJson;
  }

  /** Throws a 422 for an archived type, or for data that does not match its type's schema (every violation listed). */
  async checkPublish(type: string, data: unknown): Promise<void> {
    const cached = this.cache.get(type);
    const found = await this.types.findForPublish(type, cached?.version ?? null);
    if (!found) {
      this.cache.delete(type);
      return;
    }
    if (found.archived) throw unprocessable(`event type ${type} is archived: declare it again (PUT /event-types/${type}) to publish it`);
    let check = cached?.version === found.version ? cached.check : undefined;
    if (check === undefined) {
      check = found.schema === null || found.schema === undefined ? null : compileEventSchema(found.schema);
      if (this.cache.size >= CACHE_MAX) this.cache.clear();
      this.cache.set(type, { version: found.version, check });
    }
    const violations = check ? check(data) : [];
    if (violations.length > 0) throw schemaMismatch(`data of event type ${type}`, violations);
  }
}
