import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { hashToken } from '../../../src/auth/api-token';
import { TokenAuthenticator } from '../../../src/auth/token-authenticator';
import { KeyRing } from '../../../src/crypto/key-ring';
import { newId } from '../../../src/domain/ids';
import { generateSigningSecret } from '../../../src/domain/signature';
import { MIGRATIONS, openDatabase } from '../../../src/persistence/data-source';
import { ApiTokenRepository } from '../../../src/persistence/repositories/api-token.repository';
import { DeliveryRepository } from '../../../src/persistence/repositories/delivery.repository';
import { EnvironmentRepository } from '../../../src/persistence/repositories/environment.repository';
import { EventRepository } from '../../../src/persistence/repositories/event.repository';
import { NotificationRepository } from '../../../src/persistence/repositories/notification.repository';
import { SubscriptionRepository } from '../../../src/persistence/repositories/subscription.repository';
import { SigningKeyRepository } from '../../../src/persistence/repositories/signing-key.repository';
import { createScratchDatabase, type ScratchDatabase, suiteAdminUrl } from '../../support/scratch-database';

const keyRing = new KeyRing(createHash('sha256').update('migrations test master key').digest());

/** What a deployment of the first release left behind, written with that release's schema (the first migration). */
interface FirstRelease {
  environmentId: string;
  token: string;
  subscriptionId: string;
  url: string;
  secret: string;
  events: { id: string; type: string; data: string; createdAt: Date }[];
  notifications: { id: string; eventId: string; status: 'pending' | 'succeeded' | 'expired'; attempts: number }[];
}

async function atFirstMigration(url: string): Promise<DataSource> {
  const db = await new DataSource({ type: 'postgres', url, migrations: [MIGRATIONS[0]], synchronize: false }).initialize();
  await db.runMigrations({ transaction: 'each' });
  return db;
}

/** Fills the first release's tables as its API did: an environment and token, a subscription and its plaintext key, events, notifications, attempts. */
async function fillFirstRelease(db: DataSource): Promise<FirstRelease> {
  const environmentId = `env-${randomBytes(4).toString('hex')}`;
  const token = `pwh_${randomBytes(32).toString('base64url')}`;
  const subscriptionId = newId('sub');
  const url = 'https://receiver.example/hooks?token=kept';
  const secret = generateSigningSecret();
  await db.query(`INSERT INTO environments (id) VALUES ($1)`, [environmentId]);
  await db.query(`INSERT INTO api_tokens (id, environment_id, token_hash, token_prefix) VALUES ($1, $2, $3, $4)`, [
    newId('tok'),
    environmentId,
    hashToken(token),
    token.slice(0, 12),
  ]);
  await db.query(`INSERT INTO subscriptions (id, environment_id, url, event_types) VALUES ($1, $2, $3, $4)`, [
    subscriptionId,
    environmentId,
    url,
    ['invoice.*'],
  ]);
  await db.query(`INSERT INTO signing_keys (id, subscription_id, secret) VALUES ($1, $2, $3)`, [newId('key'), subscriptionId, secret]);
  const release: FirstRelease = { environmentId, token, subscriptionId, url, secret, events: [], notifications: [] };
  const statuses = ['succeeded', 'pending', 'expired'] as const;
  for (const [i, status] of statuses.entries()) {
    const event = {
      id: newId('evt'),
      type: `invoice.${status}`,
      data: `{"invoice": "in_${i}", "amount": ${i * 100}, "note": "é\\n"}`,
      createdAt: new Date(Date.now() - (3 - i) * 3_600_000),
    };
    await db.query(`INSERT INTO events (id, environment_id, type, data, created_at) VALUES ($1, $2, $3, $4::jsonb, $5)`, [
      event.id,
      environmentId,
      event.type,
      event.data,
      event.createdAt,
    ]);
    // jsonb kept its own text of the data; the migration to json keeps that text, which is what receivers get from then on.
    const [{ text }] = await db.query<{ text: string }[]>(`SELECT data::text AS text FROM events WHERE id = $1`, [event.id]);
    release.events.push({ ...event, data: text });
    const notificationId = newId('ntf');
    const attempts = status === 'succeeded' ? 2 : 1;
    await db.query(
      `INSERT INTO notifications (id, event_id, subscription_id, environment_id, status, attempt_count, last_attempt_at, completed_at, dispatched_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7, $9)`,
      [notificationId, event.id, subscriptionId, environmentId, status, attempts, new Date(), status === 'pending' ? null : new Date(), event.createdAt],
    );
    for (let n = 1; n <= attempts; n++) {
      const ok = status === 'succeeded' && n === attempts;
      await db.query(
        `INSERT INTO attempts (id, notification_id, number, started_at, ended_at, duration_ms, status_code, error, response_body, succeeded)
         VALUES ($1, $2, $3, now(), now(), 12, $4, $5, $6, $7)`,
        [newId('att'), notificationId, n, ok ? 200 : 500, ok ? null : 'HTTP 500', ok ? 'thanks' : 'try later', ok],
      );
    }
    release.notifications.push({ id: notificationId, eventId: event.id, status, attempts });
  }
  return release;
}

describe('migrations upgrade a database that holds data', () => {
  let scratch: ScratchDatabase;
  let release: FirstRelease;
  let db: DataSource;

  beforeAll(async () => {
    scratch = await createScratchDatabase(suiteAdminUrl(), 'plude_migrations');
    const first = await atFirstMigration(scratch.url);
    release = await fillFirstRelease(first);
    await first.destroy();
    db = await openDatabase(scratch.url, keyRing); // every later migration, then the sealing of plaintext keys
  });

  afterAll(async () => {
    await db?.destroy();
    await scratch?.drop();
  });

  it('applies every later migration once, in order', async () => {
    const applied = await db.query<{ name: string }[]>(`SELECT name FROM migrations ORDER BY id`);
    expect(applied.map((m) => m.name)).toEqual(MIGRATIONS.map((m) => m.name));
  });

  it('keeps the environment, its token and the subscription readable; the token holds subscriptions and publish, as it could before scopes', async () => {
    expect(await new TokenAuthenticator(new ApiTokenRepository(db), new EnvironmentRepository(db)).authenticate(release.token)).toEqual({
      kind: 'environment',
      environmentId: release.environmentId,
      scopes: ['subscriptions', 'publish'],
      tokenHash: hashToken(release.token),
    });
    expect(await new EnvironmentRepository(db).allowsPrivateTargets(release.environmentId)).toBe(false);
    const subscription = await new SubscriptionRepository(db, new SigningKeyRepository(db, keyRing)).findLive(release.environmentId, release.subscriptionId);
    expect(subscription).toMatchObject({ url: release.url, eventTypes: ['invoice.*'], status: 'active', deletedAt: null });
  });

  it('seals the plaintext signing key, and the worker opens it to the same secret', async () => {
    const [stored] = await db.query<{ encryption: string; secret: string | null }[]>(`SELECT encryption, secret FROM signing_keys WHERE subscription_id = $1`, [
      release.subscriptionId,
    ]);
    expect(stored).toEqual({ encryption: 'aes-256-gcm', secret: null });
    const pending = release.notifications.find((n) => n.status === 'pending')!;
    const delivery = await new DeliveryRepository(db, keyRing).loadDelivery(pending.id);
    expect(delivery?.secrets).toEqual([release.secret]);
  });

  it('keeps every event with the exact text of its data, and every notification with the policy and window it ran under', async () => {
    const events = new EventRepository(db);
    const notifications = new NotificationRepository(db);
    for (const event of release.events) {
      expect(await events.findInEnvironment(release.environmentId, event.id)).toMatchObject({
        type: event.type,
        dataJson: event.data,
        createdAt: event.createdAt,
        test: false,
      });
    }
    for (const expected of release.notifications) {
      const event = release.events.find((e) => e.id === expected.eventId)!;
      const notification = await notifications.findInEnvironment(release.environmentId, expected.id);
      expect(notification).toMatchObject({ status: expected.status, attemptCount: expected.attempts, url: release.url, redeliveredAt: null });
      expect(notification!.eventType).toBe(event.type); // copied from its event by migration 1765610000000
      // The defaults the first release delivered with: a 72-hour window, 5 s doubling to 1 h, 10 s per attempt.
      expect(notification!.expiresAt.getTime()).toBe(event.createdAt.getTime() + 72 * 3_600_000);
      expect(notification!.policy).toEqual({ initialIntervalMs: 5_000, maximumIntervalMs: 3_600_000, backoffCoefficient: 2, attemptTimeoutMs: 10_000 });
      const attempts = await notifications.findAttempts(expected.id);
      // Each attempt went to its notification's URL then: the one it records.
      // Recorded before request headers were (migration 1765630000000): none.
      expect(attempts.map((a) => a.requestHeaders)).toEqual(attempts.map(() => null));
      expect(attempts.map((a) => [a.number, a.url, a.statusCode, a.error, a.responseBody, a.succeeded, a.trigger])).toEqual(
        Array.from({ length: expected.attempts }, (_, i) => {
          const ok = expected.status === 'succeeded' && i + 1 === expected.attempts;
          return [i + 1, release.url, ok ? 200 : 500, ok ? null : 'HTTP 500', ok ? 'thanks' : 'try later', ok, 'initial'];
        }),
      );
    }
  });

  it('hands the worker a pending notification of the first release as it would a new one', async () => {
    const pending = release.notifications.find((n) => n.status === 'pending')!;
    const event = release.events.find((e) => e.id === pending.eventId)!;
    expect(await new DeliveryRepository(db, keyRing).loadDelivery(pending.id)).toMatchObject({
      notificationId: pending.id,
      status: 'pending',
      attemptCount: 1,
      url: release.url,
      subscriptionId: release.subscriptionId,
      subscriptionStatus: 'active',
      subscriptionDeleted: false,
      allowPrivateTargets: false,
      event: { id: event.id, type: event.type, environmentId: release.environmentId, dataJson: event.data },
    });
  });

  it('stores a new event for the old subscription beside the old ones', async () => {
    const stored = await new EventRepository(db).insertWithNotifications({
      id: newId('evt'),
      environmentId: release.environmentId,
      type: 'invoice.paid',
      dataJson: '{"invoice": "in_9"}',
      idempotencyKey: null,
      policy: { initialIntervalMs: 1_000, maximumIntervalMs: 60_000, backoffCoefficient: 2, attemptTimeoutMs: 5_000 },
      windowMs: 3_600_000,
    });
    expect(stored.notifications).toEqual([expect.objectContaining({ subscriptionId: release.subscriptionId, url: release.url })]);
  });

  it('records an old notification’s next attempt with its request headers, and the previous release’s INSERT, which names none, still works', async () => {
    const pending = release.notifications.find((n) => n.status === 'pending')!;
    const sent = { 'content-type': 'application/json', 'user-agent': 'plude-webhooks', 'webhook-id': pending.id, 'webhook-signature': 'v1,c2lnbmVk' };
    const at = new Date();
    const recorded = await new DeliveryRepository(db, keyRing).recordAttempt({
      attemptId: newId('att'),
      notificationId: pending.id,
      url: release.url,
      startedAt: at,
      endedAt: at,
      statusCode: 500,
      error: 'HTTP 500',
      responseBody: null,
      succeeded: false,
      retryAfterMs: null,
      nextAttemptAt: null,
      trigger: 'initial',
      requestHeaders: sent,
    });
    expect(recorded).toEqual({ number: 2, status: 'pending' });
    // As the previous release's RECORD_ATTEMPT wrote one, while a deployment is replaced: no request_headers.
    await db.query(
      `INSERT INTO attempts (id, notification_id, number, started_at, ended_at, duration_ms, status_code, error, succeeded,
                             response_body, next_attempt_at, retry_after_ms, trigger, url)
       VALUES ($1, $2, 3, now(), now(), 0, 500, 'HTTP 500', false, null, null, null, 'initial', $3)`,
      [newId('att'), pending.id, release.url],
    );
    const attempts = await new NotificationRepository(db).findAttempts(pending.id);
    expect(attempts.map((a) => [a.number, a.requestHeaders])).toEqual([
      [1, null],
      [2, sent],
      [3, null],
    ]);
  });
});

describe('migrations when several processes start at once', () => {
  it('three processes opening an empty database together apply each migration once, under the advisory lock, and all start', async () => {
    const scratch = await createScratchDatabase(suiteAdminUrl(), 'plude_migrations_race');
    try {
      const opened = await Promise.all([openDatabase(scratch.url, keyRing), openDatabase(scratch.url, keyRing), openDatabase(scratch.url, keyRing)]);
      const applied = await opened[0].query<{ name: string }[]>(`SELECT name FROM migrations ORDER BY id`);
      expect(applied.map((m) => m.name)).toEqual(MIGRATIONS.map((m) => m.name));
      await Promise.all(opened.map((db) => db.destroy()));
    } finally {
      await scratch.drop();
    }
  });
});
