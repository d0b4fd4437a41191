import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An environment's notifications listed newest first (GET /notifications, issue 25's portal), filtered by status,
 * event type and subscription, and test events (POST /webhooks/subscriptions/:id/test).
 *
 * - `notifications.event_type`: its event's type, copied at insert, so that the event-type filter is an index range
 *   on notifications alone (a join to events could not give the notifications' order). Filled here for every existing
 *   row; nullable, because the previous release's inserts never name it and must keep working while it is replaced
 *   (README: Upgrading a deployment): a notification such a process stores during the rollout has none and escapes
 *   the event-type filter. A later release fills those and sets NOT NULL.
 * - One index per filter, each ending with the ID (time-sortable: the list's order and cursor), so that a page is an
 *   index range read backwards: (environment_id, id) with no filter, (environment_id, status, id),
 *   (environment_id, event_type, id), and (subscription_id, id) (a subscription lies in one environment; the query
 *   names both). Combinations use one of them and filter the rest.
 * - `events.test`: the event was a test sent to one subscription; its POSTs carry `webhook-test: true`. Defaults to
 *   false, which is what the previous release's publishes are.
 */
export class NotificationLists1765610000000 implements MigrationInterface {
  name = 'NotificationLists1765610000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE events ADD COLUMN test boolean NOT NULL DEFAULT false`);
    await db.query(`ALTER TABLE notifications ADD COLUMN event_type text`);
    await db.query(`UPDATE notifications n SET event_type = e.type FROM events e WHERE e.id = n.event_id`);
    await db.query(`CREATE INDEX notifications_environment_list ON notifications (environment_id, id)`);
    await db.query(`CREATE INDEX notifications_environment_status ON notifications (environment_id, status, id)`);
    await db.query(`CREATE INDEX notifications_environment_event_type ON notifications (environment_id, event_type, id)`);
    await db.query(`CREATE INDEX notifications_subscription_list ON notifications (subscription_id, id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX notifications_subscription_list`);
    await db.query(`DROP INDEX notifications_environment_event_type`);
    await db.query(`DROP INDEX notifications_environment_status`);
    await db.query(`DROP INDEX notifications_environment_list`);
    await db.query(`ALTER TABLE notifications DROP COLUMN event_type`);
    await db.query(`ALTER TABLE events DROP COLUMN test`);
  }
}
