import type { DataSource } from 'typeorm';
import { EventTypeEntity } from '../entities';

/** A declaration of a type of the platform's catalog. */
export interface EventTypeDeclaration {
  name: string;
  description: string;
  /** null: no schema, any object is accepted. */
  schema: unknown;
  example: Record<string, unknown> | null;
}

/** What a publish needs to know of its event's type: whether it is archived, and its schema at this version. */
export interface PublishedType {
  /** The schema's version (updated_at to the microsecond, as text): compiled schemas are cached by it. */
  version: string;
  archived: boolean;
  /** Only when the caller does not already hold this version (see findForPublish); null: no schema. */
  schema?: unknown;
}

interface EventTypeRow {
  name: string;
  description: string;
  schema: unknown;
  example: Record<string, unknown> | null;
  archived_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const toEntity = (row: EventTypeRow): EventTypeEntity =>
  Object.assign(new EventTypeEntity(), {
    name: row.name,
    description: row.description,
    schema: row.schema,
    example: row.example,
    archivedAt: row.archived_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });

const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

/** The platform's catalog (event_types): one row per type, read by every environment. */
export class EventTypeRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Declares the type, or replaces its description, schema and example; a declaration brings an archived type
   * back. Each declaration is a new version of the schema (updated_at).
   */
  async declare(input: EventTypeDeclaration): Promise<EventTypeEntity> {
    const [row] = await this.db.query<EventTypeRow[]>(
      `INSERT INTO event_types (name, description, schema, example)
       VALUES ($1, $2, $3::json, $4::json)
       ON CONFLICT (name) DO UPDATE
       SET description = EXCLUDED.description, schema = EXCLUDED.schema, example = EXCLUDED.example,
           archived_at = NULL, updated_at = clock_timestamp()
       RETURNING *`,
      [input.name, input.description, json(input.schema), json(input.example)],
    );
    return toEntity(row);
  }

  /** Declares the type unless the catalog already has it (archived or not); true when it was added. */
  async declareIfMissing(input: EventTypeDeclaration): Promise<boolean> {
    const [, inserted] = await this.db.query<[unknown, number]>(
      `INSERT INTO event_types (name, description, schema, example)
       VALUES ($1, $2, $3::json, $4::json) ON CONFLICT (name) DO NOTHING`,
      [input.name, input.description, json(input.schema), json(input.example)],
    );
    return inserted > 0;
  }

  /** Archives the type (again: keeps the first archiving's time); false when the catalog has no such type. */
  async archive(name: string): Promise<boolean> {
    const [, updated] = await this.db.query<[unknown, number]>(`UPDATE event_types SET archived_at = COALESCE(archived_at, now()) WHERE name = $1`, [name]);
    return updated > 0;
  }

  /** Every type of the catalog, archived ones included, by name (byte order, the same for every locale). */
  async listAll(): Promise<EventTypeEntity[]> {
    const rows = await this.db.query<EventTypeRow[]>(`SELECT * FROM event_types ORDER BY name COLLATE "C"`);
    return rows.map(toEntity);
  }

  /** A declared type's example as its exact text (null: none declared), and whether it is archived; null: undeclared. */
  async findExample(name: string): Promise<{ exampleJson: string | null; archived: boolean } | null> {
    const [row] = await this.db.query<{ example_json: string | null; archived: boolean }[]>(
      `SELECT example::text AS example_json, archived_at IS NOT NULL AS archived FROM event_types WHERE name = $1`,
      [name],
    );
    return row ? { exampleJson: row.example_json, archived: row.archived } : null;
  }

  /**
   * The type as a publish sees it, or null for an undeclared type. The schema comes back only when its version is
   * not `knownVersion` (the one the caller has compiled), so a cached schema costs one small indexed read.
   */
  async findForPublish(name: string, knownVersion: string | null): Promise<PublishedType | null> {
    const [row] = await this.db.query<{ version: string; archived: boolean; schema_text: string | null }[]>(
      `SELECT updated_at::text AS version, archived_at IS NOT NULL AS archived,
              CASE WHEN updated_at::text IS DISTINCT FROM $2 THEN schema::text END AS schema_text
       FROM event_types WHERE name = $1`,
      [name, knownVersion],
    );
    if (!row) return null;
    const found: PublishedType = { version: row.version, archived: row.archived };
    if (row.version !== knownVersion) found.schema = row.schema_text === null ? null : JSON.parse(row.schema_text);
    return found;
  }
}
