import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Ranks the declarations of each name: the first one is kept. Live before archived, then the latest declared, then by environment. */
const RANKED = `
  SELECT t.*, row_number() OVER (
    PARTITION BY name ORDER BY archived_at IS NULL DESC, updated_at DESC, environment_id COLLATE "C"
  ) AS rank
  FROM event_types t`;

const COLUMNS = 'name, description, schema, example, archived_at, created_at, updated_at';

/**
 * One platform catalog (issue 19): event types belong to the platform, not to an environment. The environments'
 * declarations are merged into one per name:
 * - a live declaration wins over an archived one (someone still publishes it);
 * - among the same kind, the most recently declared (updated_at) wins;
 * - a tie goes to the environment whose ID sorts first (byte order), so the merge is the same on every run.
 * The platform type keeps the winner's description, schema, example and version (updated_at), and the earliest
 * created_at of its name. Every other declaration that differs from the winner (description, or schema or example as
 * JSON values) is kept in event_type_merge_conflicts with the environment it came from and the one that won, so that
 * an operator can read it and declare it again; declarations equal to the winner are dropped, as nothing is lost.
 */
export class PlatformCatalog1764990500000 implements MigrationInterface {
  name = 'PlatformCatalog1764990500000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE event_type_merge_conflicts (
        environment_id text NOT NULL,
        name text NOT NULL,
        description text NOT NULL,
        schema json,
        example json,
        archived_at timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        kept_environment_id text NOT NULL,
        merged_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (environment_id, name)
      )`);
    await db.query(`
      WITH ranked AS (${RANKED})
      INSERT INTO event_type_merge_conflicts (environment_id, ${COLUMNS}, kept_environment_id)
      SELECT lost.environment_id, lost.name, lost.description, lost.schema, lost.example, lost.archived_at, lost.created_at, lost.updated_at,
             kept.environment_id
      FROM ranked lost JOIN ranked kept ON kept.name = lost.name AND kept.rank = 1
      WHERE lost.rank > 1
        AND (lost.description IS DISTINCT FROM kept.description
             OR lost.schema::jsonb IS DISTINCT FROM kept.schema::jsonb
             OR lost.example::jsonb IS DISTINCT FROM kept.example::jsonb)`);
    await db.query(`
      UPDATE event_types merged SET created_at = first.created_at
      FROM (SELECT name, min(created_at) AS created_at FROM event_types GROUP BY name) first
      WHERE first.name = merged.name AND first.created_at < merged.created_at`);
    await db.query(`
      DELETE FROM event_types merged USING (${RANKED}) ranked
      WHERE ranked.environment_id = merged.environment_id AND ranked.name = merged.name AND ranked.rank > 1`);
    // Dropping the column drops the primary key and the foreign key that involve it.
    await db.query(`ALTER TABLE event_types DROP COLUMN environment_id`);
    await db.query(`ALTER TABLE event_types ADD PRIMARY KEY (name)`);
  }

  /** Back to one catalog per environment: every environment gets every platform type, then its own lost declarations back. */
  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE event_types DROP CONSTRAINT event_types_pkey`);
    await db.query(`ALTER TABLE event_types ADD COLUMN environment_id text REFERENCES environments (id) ON DELETE CASCADE`);
    await db.query(
      `INSERT INTO event_types (environment_id, ${COLUMNS}) SELECT e.id, t.name, t.description, t.schema, t.example, t.archived_at, t.created_at, t.updated_at FROM event_types t CROSS JOIN environments e`,
    );
    await db.query(`DELETE FROM event_types WHERE environment_id IS NULL`);
    await db.query(`ALTER TABLE event_types ALTER COLUMN environment_id SET NOT NULL, ADD PRIMARY KEY (environment_id, name)`);
    await db.query(`
      INSERT INTO event_types (environment_id, ${COLUMNS})
      SELECT c.environment_id, c.name, c.description, c.schema, c.example, c.archived_at, c.created_at, c.updated_at
      FROM event_type_merge_conflicts c JOIN environments e ON e.id = c.environment_id
      ON CONFLICT (environment_id, name) DO UPDATE
      SET description = EXCLUDED.description, schema = EXCLUDED.schema, example = EXCLUDED.example,
          archived_at = EXCLUDED.archived_at, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at`);
    await db.query(`DROP TABLE event_type_merge_conflicts`);
  }
}
