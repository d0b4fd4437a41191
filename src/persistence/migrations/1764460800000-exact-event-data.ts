import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * events.data becomes `json`, which stores its input text exactly, so receivers get the publisher's key order,
 * whitespace and escapes; `jsonb` reorders keys and refuses \u0000. Existing rows keep the text jsonb made of them.
 * Rewrites the table under an exclusive lock, once.
 */
export class ExactEventData1764460800000 implements MigrationInterface {
  name = 'ExactEventData1764460800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE events ALTER COLUMN data TYPE json USING data::json`);
  }

  /** Fails on rows whose data jsonb cannot hold (\u0000); key order and whitespace are lost. */
  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE events ALTER COLUMN data TYPE jsonb USING data::jsonb`);
  }
}
