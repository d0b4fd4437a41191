import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Whether an environment may subscribe and deliver to private, loopback and link-local addresses (issue 12): the
 * `sandbox` that `npm start` creates does, so that `plude listen` can receive on localhost; every other environment
 * refuses them unless the operator says otherwise (or ALLOW_PRIVATE_TARGETS=true allows them everywhere).
 */
export class EnvironmentPrivateTargets1764980000000 implements MigrationInterface {
  name = 'EnvironmentPrivateTargets1764980000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE environments ADD COLUMN allow_private_targets boolean NOT NULL DEFAULT false`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE environments DROP COLUMN allow_private_targets`);
  }
}
