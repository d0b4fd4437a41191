import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, IsObject, IsOptional, IsString, Length, Matches } from 'class-validator';
import type { EventTypeEntity } from '../persistence/entities';

/** A JSON Schema as it is declared: an object, or true/false. */
const JSON_SCHEMA = { oneOf: [{ type: 'object' as const, additionalProperties: true }, { type: 'boolean' as const }] };

export class DeclareEventTypeRequest {
  // No NUL character: it is stored as PostgreSQL text, which cannot hold one.
  @ApiProperty({
    minLength: 1,
    maxLength: 2000,
    example: 'An invoice was paid in full',
    description: 'What the event means, for integrators (no NUL character)',
  })
  @IsString({ message: 'description must be a string of 1-2000 characters' })
  @Length(1, 2000, { message: 'description must be a string of 1-2000 characters' })
  @Matches(/^[^\u0000]*$/, { message: 'description must not contain a NUL character (\\u0000)' })
  description: string;

  // Compiled by src/domain/event-schema.ts.
  @ApiPropertyOptional({
    ...JSON_SCHEMA,
    nullable: true,
    description:
      'A JSON Schema (draft 2020-12) that every event’s `data` must match; compiled at once (400 if it does not), no remote `$ref`. Left out or null: any object',
    example: { type: 'object', required: ['invoice', 'amount'], properties: { invoice: { type: 'string' }, amount: { type: 'integer' } } },
  })
  @Allow()
  schema?: unknown;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'An example of `data`; it must match the schema (422 otherwise, every violation in `errors`)',
    example: { invoice: 'in_42', amount: 4200 },
  })
  @IsOptional()
  @IsObject({ message: 'example must be a JSON object: an example of the event’s data' })
  example?: Record<string, unknown>;
}

/** A catalog entry as services and integrators read it. */
export class EventTypeView {
  @ApiProperty({ example: 'invoice.paid' })
  name: string;

  @ApiProperty()
  description: string;

  @ApiProperty({ ...JSON_SCHEMA, nullable: true, description: 'The JSON Schema of `data`; null: any object is accepted' })
  schema: unknown;

  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'An example of `data`' })
  example: Record<string, unknown> | null;

  @ApiProperty({ description: 'Archived types stay listed; publishing one is refused (422)' })
  archived: boolean;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
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
  @ApiProperty({
    type: [EventTypeView],
    description: 'Every type of the platform’s catalog (the same for every environment), archived ones included, sorted by name',
  })
  items: EventTypeView[];
}
