import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The event catalog (issue 8): each environment declares its event types, with a description, a JSON Schema for
 * their `data` and an example. `schema` and `example` are `json`, so that they read back in the order they were
 * written. `updated_at` (clock time, so two changes in one transaction still differ) names a version of the schema:
 * API processes cache compiled schemas by it. Archiving keeps the row (archived_at).
 */
export class EventTypes1764950000000 implements MigrationInterface {
  name = 'EventTypes1764950000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE event_types (
        environment_id text NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
        name text NOT NULL,
        description text NOT NULL,
        schema json,
        example json,
        archived_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (environment_id, name)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE IF EXISTS event_types`);
  }
}
