import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tracing (issue 24): the W3C trace ID of the publish that stored an event, null when that process did not trace it.
 * Added nullable and unchecked by the previous release's statements, which never name it.
 */
export class EventTraceId1765500000000 implements MigrationInterface {
  name = 'EventTraceId1765500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE events ADD COLUMN trace_id text CHECK (trace_id ~ '^[0-9a-f]{32}$')`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE events DROP COLUMN trace_id`);
  }
}
