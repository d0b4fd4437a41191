import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Recoveries (issue 8): redelivering every notification of a subscription whose event was created in a time range
 * and that did not succeed. A recovery keeps its range, the window and policy its redeliveries get (those of the
 * process that accepted it), and how many notifications it found; the notifications it redelivered point back to it
 * (recovery_id), so that what became of them is counted from the notifications themselves.
 */
export class Recoveries1764970000000 implements MigrationInterface {
  name = 'Recoveries1764970000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE recoveries (
        id text PRIMARY KEY,
        environment_id text NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
        subscription_id text NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
        range_start timestamptz NOT NULL,
        range_end timestamptz NOT NULL CHECK (range_end > range_start),
        status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'completed', 'failed')),
        total integer NOT NULL,
        window_ms bigint NOT NULL CHECK (window_ms > 0),
        retry_initial_interval_ms integer NOT NULL,
        retry_maximum_interval_ms integer NOT NULL,
        retry_backoff_coefficient double precision NOT NULL,
        attempt_timeout_ms integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz
      )`);
    await db.query(`CREATE INDEX recoveries_subscription_running ON recoveries (subscription_id) WHERE status = 'running'`);
    await db.query(`ALTER TABLE notifications ADD COLUMN recovery_id text REFERENCES recoveries (id) ON DELETE SET NULL`);
    await db.query(`CREATE INDEX notifications_recovery ON notifications (recovery_id) WHERE recovery_id IS NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE notifications DROP COLUMN IF EXISTS recovery_id`);
    await db.query(`DROP TABLE IF EXISTS recoveries`);
  }
}
