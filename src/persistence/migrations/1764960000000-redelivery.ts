import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Redelivery (issue 8): a notification that succeeded, expired or was cancelled can be delivered again, as a new run
 * of its workflow. Its attempts go on numbering in the same list, each recording what made it (`trigger`: the
 * publish, `initial`, or a `redeliver`), and notifications remember their last redelivery (`redelivered_at`), which
 * also tells recovery that an unstarted outbox row is a redelivery (a new run of a closed workflow).
 */
export class Redelivery1764960000000 implements MigrationInterface {
  name = 'Redelivery1764960000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE attempts ADD COLUMN trigger text NOT NULL DEFAULT 'initial' CHECK (trigger IN ('initial', 'redeliver'))`);
    await db.query(`ALTER TABLE notifications ADD COLUMN redelivered_at timestamptz`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE notifications DROP COLUMN IF EXISTS redelivered_at`);
    await db.query(`ALTER TABLE attempts DROP COLUMN IF EXISTS trigger`);
  }
}
