import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Subscriptions over their whole life (issue 7): paused and disabled subscriptions still get notifications (held
 * until resumed or expired), a deleted one's pending notifications end `cancelled`, a notification keeps the URL it
 * was created with, and a failing subscription remembers since when it has had no 2xx (for auto-disable).
 * `consecutive_failures`, never used, goes.
 */
export class SubscriptionLifecycle1764810000000 implements MigrationInterface {
  name = 'SubscriptionLifecycle1764810000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE subscriptions DROP COLUMN consecutive_failures, ADD COLUMN failing_since timestamptz`);
    await db.query(`DROP INDEX subscriptions_environment_active`);
    await db.query(`CREATE INDEX subscriptions_environment_live ON subscriptions (environment_id, id) WHERE deleted_at IS NULL`);
    await db.query(`ALTER TABLE notifications ADD COLUMN url text`);
    await db.query(`UPDATE notifications n SET url = s.url FROM subscriptions s WHERE s.id = n.subscription_id`);
    await db.query(`ALTER TABLE notifications ALTER COLUMN url SET NOT NULL`);
    await db.query(`ALTER TABLE notifications DROP CONSTRAINT notifications_status_check`);
    await db.query(`ALTER TABLE notifications ADD CONSTRAINT notifications_status_check CHECK (status IN ('pending', 'succeeded', 'expired', 'cancelled'))`);
    await db.query(`CREATE INDEX notifications_subscription_pending ON notifications (subscription_id, id) WHERE status = 'pending'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX notifications_subscription_pending`);
    await db.query(`UPDATE notifications SET status = 'expired' WHERE status = 'cancelled'`);
    await db.query(`ALTER TABLE notifications DROP CONSTRAINT notifications_status_check`);
    await db.query(`ALTER TABLE notifications ADD CONSTRAINT notifications_status_check CHECK (status IN ('pending', 'succeeded', 'expired'))`);
    await db.query(`ALTER TABLE notifications DROP COLUMN url`);
    await db.query(`DROP INDEX subscriptions_environment_live`);
    await db.query(`CREATE INDEX subscriptions_environment_active ON subscriptions (environment_id) WHERE status = 'active' AND deleted_at IS NULL`);
    await db.query(`ALTER TABLE subscriptions DROP COLUMN failing_since, ADD COLUMN consecutive_failures integer NOT NULL DEFAULT 0`);
  }
}
