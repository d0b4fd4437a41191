import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each notification keeps the delivery policy it was created with (issue 6): its expiry and its retry policy, so a
 * configuration change never reaches notifications already in flight. Attempts record the Retry-After a receiver
 * asked for and when the next attempt was planned. Notifications created before this migration get the defaults
 * they were running under (72h window, 5s doubling to 1h, 10s per attempt).
 */
export class NotificationPolicy1764800000000 implements MigrationInterface {
  name = 'NotificationPolicy1764800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE notifications
        ADD COLUMN expires_at timestamptz,
        ADD COLUMN retry_initial_interval_ms integer NOT NULL DEFAULT 5000 CHECK (retry_initial_interval_ms > 0),
        ADD COLUMN retry_maximum_interval_ms integer NOT NULL DEFAULT 3600000 CHECK (retry_maximum_interval_ms > 0),
        ADD COLUMN retry_backoff_coefficient double precision NOT NULL DEFAULT 2 CHECK (retry_backoff_coefficient >= 1),
        ADD COLUMN attempt_timeout_ms integer NOT NULL DEFAULT 10000 CHECK (attempt_timeout_ms > 0)`);
    await db.query(`UPDATE notifications SET expires_at = created_at + interval '72 hours'`);
    await db.query(`ALTER TABLE notifications ALTER COLUMN expires_at SET NOT NULL`);
    for (const column of ['retry_initial_interval_ms', 'retry_maximum_interval_ms', 'retry_backoff_coefficient', 'attempt_timeout_ms']) {
      await db.query(`ALTER TABLE notifications ALTER COLUMN ${column} DROP DEFAULT`);
    }
    await db.query(`
      ALTER TABLE attempts
        ADD COLUMN retry_after_ms bigint,
        ADD COLUMN next_attempt_at timestamptz`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE attempts DROP COLUMN retry_after_ms, DROP COLUMN next_attempt_at`);
    await db.query(`
      ALTER TABLE notifications DROP COLUMN expires_at, DROP COLUMN retry_initial_interval_ms, DROP COLUMN retry_maximum_interval_ms,
        DROP COLUMN retry_backoff_coefficient, DROP COLUMN attempt_timeout_ms`);
  }
}
