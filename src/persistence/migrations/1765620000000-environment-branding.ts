import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How the integrator portal shows an environment (issue 25): a display name, an accent colour (#rrggbb, lower case)
 * and a logo's https:// URL, each null for the portal's own. Added nullable: the previous release never names them.
 */
export class EnvironmentBranding1765620000000 implements MigrationInterface {
  name = 'EnvironmentBranding1765620000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE environments ADD COLUMN display_name text CHECK (char_length(display_name) BETWEEN 1 AND 100)`);
    await db.query(`ALTER TABLE environments ADD COLUMN accent_color text CHECK (accent_color ~ '^#[0-9a-f]{6}$')`);
    await db.query(`ALTER TABLE environments ADD COLUMN logo_url text CHECK (logo_url ~ '^https://' AND char_length(logo_url) <= 2048)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE environments DROP COLUMN logo_url`);
    await db.query(`ALTER TABLE environments DROP COLUMN accent_color`);
    await db.query(`ALTER TABLE environments DROP COLUMN display_name`);
  }
}
