import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The delivery gate (issue 20): a subscription's own rate limit (deliveries a second) and cap on attempts in flight
 * (null: the platform's default; 0: none), its circuit breaker, and the state the gate shares between every worker:
 * the next free slot of its rate (`gate_next_at`), its in-flight leases (notification ID → until, epoch ms), and until
 * when a release after a pause, a re-enable or a closed breaker is paced (`release_until`). A notification remembers the
 * slot it reserved (`gate_slot`), so that it comes back at that slot and keeps it.
 */
export class DeliveryGate1765100000000 implements MigrationInterface {
  name = 'DeliveryGate1765100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE subscriptions
         ADD COLUMN rate_limit double precision CHECK (rate_limit >= 0),
         ADD COLUMN max_in_flight integer CHECK (max_in_flight >= 0),
         ADD COLUMN breaker_state text NOT NULL DEFAULT 'closed' CHECK (breaker_state IN ('closed', 'open', 'half-open')),
         ADD COLUMN breaker_until timestamptz,
         ADD COLUMN consecutive_failures integer NOT NULL DEFAULT 0,
         ADD COLUMN gate_next_at timestamptz,
         ADD COLUMN in_flight jsonb NOT NULL DEFAULT '{}',
         ADD COLUMN release_until timestamptz`,
    );
    await db.query(`ALTER TABLE notifications ADD COLUMN gate_slot timestamptz`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE notifications DROP COLUMN gate_slot`);
    await db.query(
      `ALTER TABLE subscriptions DROP COLUMN rate_limit, DROP COLUMN max_in_flight, DROP COLUMN breaker_state, DROP COLUMN breaker_until,
         DROP COLUMN consecutive_failures, DROP COLUMN gate_next_at, DROP COLUMN in_flight, DROP COLUMN release_until`,
    );
  }
}
