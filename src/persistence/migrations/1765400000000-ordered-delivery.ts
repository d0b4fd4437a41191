import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ordered delivery per key (issue 22). A subscription's `ordering` (`none`, or `key`); an event's `ordering_key`; a
 * notification of an ordered subscription for a keyed event keeps the key and its place in it (`ordering_seq`), taken
 * from the key's counter (`ordering_keys`) in the publish's own statement: the counter's row lock makes the places
 * follow the order in which the publishes commit. The `skipped` final status (an operator's skip). The partial index
 * answers "which pending notification of this key comes first" and "how many wait" from pending rows only.
 */
export class OrderedDelivery1765400000000 implements MigrationInterface {
  name = 'OrderedDelivery1765400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE subscriptions ADD COLUMN ordering text NOT NULL DEFAULT 'none' CHECK (ordering IN ('none', 'key'))`);
    await db.query(`ALTER TABLE events ADD COLUMN ordering_key text CHECK (char_length(ordering_key) BETWEEN 1 AND 256)`);
    await db.query(
      `ALTER TABLE notifications ADD COLUMN ordering_key text, ADD COLUMN ordering_seq bigint,
         ADD CONSTRAINT notifications_ordering_place CHECK ((ordering_key IS NULL) = (ordering_seq IS NULL))`,
    );
    await db.query(`ALTER TABLE notifications DROP CONSTRAINT notifications_status_check`);
    await db.query(
      `ALTER TABLE notifications ADD CONSTRAINT notifications_status_check CHECK (status IN ('pending', 'succeeded', 'expired', 'cancelled', 'skipped'))`,
    );
    await db.query(
      `CREATE INDEX notifications_ordering_pending ON notifications (subscription_id, ordering_key, ordering_seq)
       WHERE status = 'pending' AND ordering_key IS NOT NULL`,
    );
    await db.query(
      `CREATE TABLE ordering_keys (
         subscription_id text NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
         ordering_key text NOT NULL,
         last_seq bigint NOT NULL,
         PRIMARY KEY (subscription_id, ordering_key)
       )`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE ordering_keys`);
    await db.query(`DROP INDEX notifications_ordering_pending`);
    // A skipped notification was not delivered and is no longer being delivered: the nearest older status.
    await db.query(`UPDATE notifications SET status = 'cancelled' WHERE status = 'skipped'`);
    await db.query(`ALTER TABLE notifications DROP CONSTRAINT notifications_status_check`);
    await db.query(`ALTER TABLE notifications ADD CONSTRAINT notifications_status_check CHECK (status IN ('pending', 'succeeded', 'expired', 'cancelled'))`);
    await db.query(`ALTER TABLE notifications DROP CONSTRAINT notifications_ordering_place, DROP COLUMN ordering_key, DROP COLUMN ordering_seq`);
    await db.query(`ALTER TABLE events DROP COLUMN ordering_key`);
    await db.query(`ALTER TABLE subscriptions DROP COLUMN ordering`);
  }
}
