import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The headers each attempt's POST carried (issue 25: an attempt shows its request headers, the signature included):
 * webhook-id, webhook-timestamp, webhook-signature, content-type, user-agent, and webhook-test and traceparent when
 * sent, as one JSON object of header names to values. Nullable: the attempts stored before it have none, and so do
 * those the previous release's workers record while it is replaced (their INSERT never names it).
 */
export class AttemptRequestHeaders1765630000000 implements MigrationInterface {
  name = 'AttemptRequestHeaders1765630000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE attempts ADD COLUMN request_headers jsonb`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE attempts DROP COLUMN request_headers`);
  }
}
