import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who may do what (issue 19): every API token carries scopes, and a token is an environment's (the integrator's,
 * `environment_id` set) or a service's (the platform's: a name, no environment of its own, and the environments it
 * may name in X-environment, null for every one, those created later included).
 *
 * Tokens issued before this carried everything an environment offered then: they keep it, as `subscriptions` and
 * `publish`, so that no running integration breaks; a new environment token defaults to `subscriptions` alone.
 */
export class TokenScopes1765019000000 implements MigrationInterface {
  name = 'TokenScopes1765019000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE api_tokens ADD COLUMN scopes text[] NOT NULL DEFAULT '{subscriptions,publish}'`);
    await db.query(`ALTER TABLE api_tokens ALTER COLUMN scopes SET DEFAULT '{subscriptions}'`);
    await db.query(`ALTER TABLE api_tokens ADD COLUMN kind text NOT NULL DEFAULT 'environment'`);
    await db.query(`ALTER TABLE api_tokens ADD COLUMN name text`);
    await db.query(`ALTER TABLE api_tokens ADD COLUMN environments text[]`);
    await db.query(`ALTER TABLE api_tokens ALTER COLUMN environment_id DROP NOT NULL`);
    await db.query(`
      ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_kind CHECK (
        (kind = 'environment' AND environment_id IS NOT NULL AND name IS NULL AND environments IS NULL)
        OR (kind = 'service' AND environment_id IS NULL AND name IS NOT NULL)
      )`);
    await db.query(`CREATE INDEX api_tokens_service_created ON api_tokens (created_at) WHERE kind = 'service'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX IF EXISTS api_tokens_service_created`);
    await db.query(`DELETE FROM api_tokens WHERE kind = 'service'`);
    await db.query(`ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_kind`);
    await db.query(`ALTER TABLE api_tokens ALTER COLUMN environment_id SET NOT NULL`);
    await db.query(`ALTER TABLE api_tokens DROP COLUMN environments`);
    await db.query(`ALTER TABLE api_tokens DROP COLUMN name`);
    await db.query(`ALTER TABLE api_tokens DROP COLUMN kind`);
    await db.query(`ALTER TABLE api_tokens DROP COLUMN scopes`);
  }
}
