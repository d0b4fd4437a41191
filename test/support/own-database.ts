import { createHash, randomBytes } from 'node:crypto';
import type { DataSource, QueryRunner } from 'typeorm';
import { KeyRing } from '../../src/crypto/key-ring';
import { newId } from '../../src/domain/ids';
import { generateSigningSecret } from '../../src/domain/signature';
import { openDatabase } from '../../src/persistence/data-source';
import { DeliveryRepository } from '../../src/persistence/repositories/delivery.repository';
import { EventRepository, type StoredEvent } from '../../src/persistence/repositories/event.repository';
import { SigningKeyRepository } from '../../src/persistence/repositories/signing-key.repository';
import { SubscriptionRepository, type SubscriptionWithKey } from '../../src/persistence/repositories/subscription.repository';
import { createScratchDatabase, type ScratchDatabase, suiteAdminUrl } from './scratch-database';
import { waitFor } from './wait';

export const POLICY = { initialIntervalMs: 1_000, maximumIntervalMs: 60_000, backoffCoefficient: 2, attemptTimeoutMs: 5_000 };

/** A test file's own migrated database, with the repositories and set-up its tests share. */
export interface OwnDatabase {
  readonly db: DataSource;
  /** The database's URL, for a DataSource of a test's own. */
  readonly url: string;
  readonly keyRing: KeyRing;
  readonly subscriptions: SubscriptionRepository;
  readonly deliveries: DeliveryRepository;
  /** An environment (private targets allowed) with one subscription to every type. */
  subscribed: (options?: { url?: string; ordering?: 'none' | 'key' }) => Promise<{ environmentId: string; subscriptionId: string }>;
  /** Publishes an `order.paid` event, through `events` (by default on the file's database). */
  publish: (environmentId: string, options?: { orderingKey?: string | null; events?: EventRepository }) => Promise<StoredEvent>;
  /** A connection of the file's pool in a transaction of its own, released after the test. */
  transaction: () => Promise<QueryRunner>;
  /** Until a statement of the file's pool waits for a row lock. */
  someoneWaitsForALock: () => Promise<unknown>;
}

/**
 * A database of the test file's own on the suite's server, created before its tests and dropped after them: its master
 * key is not the suite's, whose keys the shared database holds, and its tests may hold locks without meeting another
 * file's. Its pool has its own application name, so that its lock waits can be seen.
 */
export function useOwnDatabase(name: string): OwnDatabase {
  const keyRing = new KeyRing(createHash('sha256').update(`${name} test master key`).digest());
  const application = `${name}-${randomBytes(4).toString('hex')}`;
  const open: QueryRunner[] = [];
  let scratch: ScratchDatabase | undefined;
  let db: DataSource | undefined;
  let subscriptions: SubscriptionRepository | undefined;
  let deliveries: DeliveryRepository | undefined;
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the own database is set up in beforeAll: use it inside a test');
    return value;
  };

  beforeAll(async () => {
    scratch = await createScratchDatabase(suiteAdminUrl(), `plude_${name.replace(/\W/g, '_')}`);
    db = await openDatabase(scratch.url, keyRing, { poolSize: 4, applicationName: application });
    subscriptions = new SubscriptionRepository(db, new SigningKeyRepository(db, keyRing));
    deliveries = new DeliveryRepository(db, keyRing);
  });

  afterEach(async () => {
    for (const runner of open.splice(0)) await runner.release();
  });

  afterAll(async () => {
    await db?.destroy();
    await scratch?.drop();
  });

  const own: OwnDatabase = {
    keyRing,
    get db() {
      return ready(db);
    },
    get url() {
      return ready(scratch).url;
    },
    get subscriptions() {
      return ready(subscriptions);
    },
    get deliveries() {
      return ready(deliveries);
    },
    subscribed: async ({ url = 'https://receiver.example/hooks', ordering = 'none' } = {}) => {
      const environmentId = `env-${randomBytes(4).toString('hex')}`;
      await own.db.query(`INSERT INTO environments (id, allow_private_targets) VALUES ($1, true)`, [environmentId]);
      const { subscription } = (await own.subscriptions.upsertByUrl({
        id: newId('sub'),
        environmentId,
        url,
        ordering,
        signingKey: { id: newId('key'), secret: generateSigningSecret() },
      })) as SubscriptionWithKey;
      return { environmentId, subscriptionId: subscription.id };
    },
    publish: (environmentId, { orderingKey = null, events = new EventRepository(own.db) } = {}) =>
      events.insertWithNotifications({
        id: newId('evt'),
        environmentId,
        type: 'order.paid',
        dataJson: '{}',
        idempotencyKey: null,
        orderingKey,
        policy: POLICY,
        windowMs: 3_600_000,
      }),
    transaction: async () => {
      const runner = own.db.createQueryRunner();
      open.push(runner);
      await runner.connect();
      await runner.startTransaction();
      return runner;
    },
    someoneWaitsForALock: () =>
      waitFor(
        () =>
          own.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`, [
            application,
          ]),
        ([row]) => row.n > 0,
        { what: 'a statement waiting for a row lock' },
      ),
  };
  return own;
}
