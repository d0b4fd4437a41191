import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An environment's defaults for the delivery gate (issue 20): the rate limit (deliveries a second) and the cap on
 * attempts in flight of its subscriptions that set none of their own. null: the platform's default
 * (DELIVERY_RATE_LIMIT, DELIVERY_MAX_IN_FLIGHT); 0: no limit.
 */
export class EnvironmentGateDefaults1765110000000 implements MigrationInterface {
  name = 'EnvironmentGateDefaults1765110000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE environments
         ADD COLUMN default_rate_limit double precision CHECK (default_rate_limit >= 0),
         ADD COLUMN default_max_in_flight integer CHECK (default_max_in_flight >= 0)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE environments DROP COLUMN default_rate_limit, DROP COLUMN default_max_in_flight`);
  }
}
