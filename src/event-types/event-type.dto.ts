import { Allow, IsObject, IsOptional, IsString, Length } from 'class-validator';
import type { EventTypeEntity } from '../persistence/entities';

export class DeclareEventTypeRequest {
  @IsString({ message: 'description must be a string of 1-2000 characters' })
  @Length(1, 2000, { message: 'description must be a string of 1-2000 characters' })
  description: string;

  /** A JSON Schema (draft 2020-12) for `data`; checked by compiling it (src/domain/event-schema.ts). */
  @Allow()
  schema?: unknown;

  @IsOptional()
  @IsObject({ message: 'example must be a JSON object: an example of the event’s data' })
  example?: Record<string, unknown>;
}

/** A catalog entry as services and integrators read it. */
export class EventTypeView {
  name: string;
  description: string;
  /** null: no schema, any object is accepted. */
  schema: unknown;
  example: Record<string, unknown> | null;
  /** Archived types stay listed; publishing one is refused (422). */
  archived: boolean;
  createdAt: string;
  updatedAt: string;

  static from(type: EventTypeEntity): EventTypeView {
    return {
      name: type.name,
      description: type.description,
      schema: type.schema ?? null,
      example: type.example ?? null,
      archived: type.archivedAt !== null,
      createdAt: type.createdAt.toISOString(),
      updatedAt: type.updatedAt.toISOString(),
    };
  }
}

export class EventTypeList {
  /** Every type of the environment, archived ones included, sorted by name. */
  items: EventTypeView[];
}
