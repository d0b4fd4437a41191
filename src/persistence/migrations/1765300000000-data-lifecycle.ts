import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The data lifecycle (issue 21). `events.erased_at`: when the event's data was erased on request (its data is then a
 * tombstone, its attempts' response bodies are cleared, and it may not be redelivered). `attempts_response_body_ended`:
 * the attempts that still hold a response body, by end time, so that RESPONSE_BODY_RETENTION clears them in batches
 * without reading the attempts whose bodies are already gone. The purge itself needs no new index: events and
 * attempts are walked by their time-ordered IDs, notifications by `(event_id, subscription_id)`.
 */
export class DataLifecycle1765300000000 implements MigrationInterface {
  name = 'DataLifecycle1765300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE events ADD COLUMN erased_at timestamptz`);
    await db.query(`CREATE INDEX attempts_response_body_ended ON attempts (ended_at) WHERE response_body IS NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX IF EXISTS attempts_response_body_ended`);
    await db.query(`ALTER TABLE events DROP COLUMN IF EXISTS erased_at`);
  }
}
