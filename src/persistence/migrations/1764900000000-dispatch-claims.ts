import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * notifications.dispatch_claimed_until: the lease of a recovery pass on an outbox row. Passes claim rows with
 * FOR UPDATE SKIP LOCKED and set the lease, so several API processes share the outbox and a row whose start keeps
 * failing waits out its lease instead of heading every pass. The outbox index (created_at WHERE dispatched_at IS
 * NULL) still finds the candidates.
 */
export class DispatchClaims1764900000000 implements MigrationInterface {
  name = 'DispatchClaims1764900000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE notifications ADD COLUMN dispatch_claimed_until timestamptz`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE notifications DROP COLUMN IF EXISTS dispatch_claimed_until`);
  }
}
