import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The first schema. Room is left for what comes next without a rewrite:
 * - subscriptions.status / deleted_at / consecutive_failures: pause, delete, auto-disable;
 * - signing_keys (many per subscription, expires_at, encryption): rotation with an overlap, keys encrypted at rest;
 * - subscriptions.event_types + events.type: filters and, later, an event catalog;
 * - notifications.dispatched_at: the outbox that guarantees every accepted notification gets its workflow;
 * - events (environment_id, created_at): recovery of a time range; attempts keep every try for redelivery audits.
 */
export class InitialSchema1764374400000 implements MigrationInterface {
  name = 'InitialSchema1764374400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE environments (
        id text PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE api_tokens (
        id text PRIMARY KEY,
        environment_id text NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
        token_hash text NOT NULL UNIQUE,
        token_prefix text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    await db.query(`
      CREATE TABLE subscriptions (
        id text PRIMARY KEY,
        environment_id text NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
        url text NOT NULL,
        event_types text[] NOT NULL DEFAULT '{}',
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'disabled')),
        disabled_reason text,
        consecutive_failures integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      )`);
    await db.query(`CREATE UNIQUE INDEX subscriptions_environment_url ON subscriptions (environment_id, url) WHERE deleted_at IS NULL`);
    await db.query(`CREATE INDEX subscriptions_environment_active ON subscriptions (environment_id) WHERE status = 'active' AND deleted_at IS NULL`);
    await db.query(`
      CREATE TABLE signing_keys (
        id text PRIMARY KEY,
        subscription_id text NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
        secret text NOT NULL,
        encryption text NOT NULL DEFAULT 'none',
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz
      )`);
    await db.query(`CREATE INDEX signing_keys_subscription ON signing_keys (subscription_id, created_at)`);
    await db.query(`
      CREATE TABLE events (
        id text PRIMARY KEY,
        environment_id text NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
        type text NOT NULL,
        data jsonb NOT NULL,
        idempotency_key text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX events_idempotency_key ON events (environment_id, idempotency_key) WHERE idempotency_key IS NOT NULL`);
    await db.query(`CREATE INDEX events_environment_created ON events (environment_id, created_at)`);
    await db.query(`
      CREATE TABLE notifications (
        id text PRIMARY KEY,
        event_id text NOT NULL REFERENCES events (id) ON DELETE CASCADE,
        subscription_id text NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
        environment_id text NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'expired')),
        attempt_count integer NOT NULL DEFAULT 0,
        last_attempt_at timestamptz,
        next_attempt_at timestamptz,
        completed_at timestamptz,
        dispatched_at timestamptz,
        created_at timestamptz NOT NULL,
        UNIQUE (event_id, subscription_id)
      )`);
    await db.query(`CREATE INDEX notifications_undispatched ON notifications (created_at) WHERE dispatched_at IS NULL`);
    await db.query(`CREATE INDEX notifications_subscription_created ON notifications (subscription_id, created_at)`);
    await db.query(`
      CREATE TABLE attempts (
        id text PRIMARY KEY,
        notification_id text NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
        number integer NOT NULL,
        started_at timestamptz NOT NULL,
        ended_at timestamptz NOT NULL,
        duration_ms integer NOT NULL,
        status_code integer,
        error text,
        response_body text,
        succeeded boolean NOT NULL,
        UNIQUE (notification_id, number)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['attempts', 'notifications', 'events', 'signing_keys', 'subscriptions', 'api_tokens', 'environments']) {
      await db.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
