import { Injectable } from '@nestjs/common';
import { unprocessable } from '../domain/errors';
import { compileEventSchema, type EventDataCheck, schemaMismatch } from '../domain/event-schema';
import { EventTypeRepository } from '../persistence/repositories/event-type.repository';

/** Compiled schemas kept at most; past that the cache starts again (a few KB each). */
const CACHE_MAX = 1_000;

/** Undeclared type names kept at most (a few hundred bytes each); kept apart, so that they never push schemas out. */
const UNDECLARED_MAX = 10_000;

/** A version of a type this process has checked an event's data against; null: the type is not in the catalog. */
export interface CheckedVersion {
  version: string | null;
}

/**
 * The publish side of the catalog: checks an event, in whichever environment it is published, against the platform's
 * declaration of its type. Schemas are compiled once per version and kept by (type, updated_at), and types found
 * undeclared are remembered as such: a publish of a type known here is checked with no read of its own, and stored on
 * condition that the type is still at that version (checkedVersion, EventRepository.insertIfTypeAt). A type not known
 * here, or changed since, costs one indexed read that returns the schema only when it changed (checkPublish). An
 * undeclared type is accepted as it is.
 */
@Injectable()
export class EventSchemas {
  /** By type name. */
  private readonly cache = new Map<string, { version: string; check: EventDataCheck | null }>();
  /** Types the catalog did not have when last looked up. */
  private readonly undeclared = new Set<string>();

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

  /**
   * The version of the type known here, when the data passes it: the publish may be stored on condition that the type
   * is still at it. undefined when this process knows nothing of the type, or when the data fails the check it holds:
   * whether that is a 422 depends on whether the version is still current, which only checkPublish can tell.
   */
  checkedVersion(type: string, data: unknown): CheckedVersion | undefined {
    if (this.undeclared.has(type)) return { version: null };
    const cached = this.cache.get(type);
    if (!cached) return undefined;
    try {
      return !cached.check || cached.check(data).length === 0 ? { version: cached.version } : undefined;
    } catch {
      return undefined; // a schema that cannot check this data (a 422 of checkPublish's, if it is still current)
    }
  }

  /** Throws a 422 for an archived type, or for data that does not match its type's schema (every violation listed). */
  async checkPublish(type: string, data: unknown): Promise<void> {
    const cached = this.cache.get(type);
    const found = await this.types.findForPublish(type, cached?.version ?? null);
    if (!found) {
      this.cache.delete(type);
      if (this.undeclared.size >= UNDECLARED_MAX) this.undeclared.clear();
      this.undeclared.add(type);
      return;
    }
    this.undeclared.delete(type);
    if (found.archived) {
      // Declaring it again makes a new version: nothing here would serve it.
      this.cache.delete(type);
      throw unprocessable(`event type ${type} is archived: declare it again (PUT /event-types/${type}) to publish it`);
    }
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
