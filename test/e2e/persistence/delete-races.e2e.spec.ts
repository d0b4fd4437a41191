import { createHash, randomBytes } from 'node:crypto';
import type { DataSource, QueryRunner } from 'typeorm';
import { KeyRing } from '../../../src/crypto/key-ring';
import { newId } from '../../../src/domain/ids';
import { generateSigningSecret } from '../../../src/domain/signature';
import { openDatabase } from '../../../src/persistence/data-source';
import { DeliveryRepository } from '../../../src/persistence/repositories/delivery.repository';
import { EventRepository } from '../../../src/persistence/repositories/event.repository';
import { NotificationRepository } from '../../../src/persistence/repositories/notification.repository';
import { SigningKeyRepository } from '../../../src/persistence/repositories/signing-key.repository';
import { SubscriptionRepository, type SubscriptionWithKey } from '../../../src/persistence/repositories/subscription.repository';
import { createScratchDatabase, type ScratchDatabase, suiteAdminUrl } from '../../support/scratch-database';
import { waitFor } from '../../support/wait';

const keyRing = new KeyRing(createHash('sha256').update('delete races test master key').digest());
const APPLICATION = `delete-races-${randomBytes(4).toString('hex')}`;
const POLICY = { initialIntervalMs: 1_000, maximumIntervalMs: 60_000, backoffCoefficient: 2, attemptTimeoutMs: 5_000 };

/**
 * The orders a DELETE of a subscription can meet a publish or an attempt in, made one at a time on real PostgreSQL:
 * one side holds its transaction open while the other runs into its lock.
 */
describe('a subscription’s delete against a publish and an attempt (real PostgreSQL)', () => {
  let scratch: ScratchDatabase;
  let db: DataSource;
  let subscriptions: SubscriptionRepository;
  let deliveries: DeliveryRepository;
  let notifications: NotificationRepository;
  const open: QueryRunner[] = [];

  beforeAll(async () => {
    // A database of the file's own: its master key is not the suite's, whose keys the shared database holds.
    scratch = await createScratchDatabase(suiteAdminUrl(), 'plude_delete_races');
    db = await openDatabase(scratch.url, keyRing, { poolSize: 4, applicationName: APPLICATION });
    subscriptions = new SubscriptionRepository(db, new SigningKeyRepository(db, keyRing));
    notifications = new NotificationRepository(db);
    deliveries = new DeliveryRepository(db, keyRing);
  });

  afterEach(async () => {
    for (const runner of open.splice(0)) await runner.release();
  });

  afterAll(async () => {
    await db?.destroy();
    await scratch?.drop();
  });

  async function subscribed() {
    const environmentId = `env-${randomBytes(4).toString('hex')}`;
    await db.query(`INSERT INTO environments (id) VALUES ($1)`, [environmentId]);
    const { subscription } = (await subscriptions.upsertByUrl({
      id: newId('sub'),
      environmentId,
      url: 'https://receiver.example/hooks',
      signingKey: { id: newId('key'), secret: generateSigningSecret() },
    })) as SubscriptionWithKey;
    return { environmentId, subscriptionId: subscription.id };
  }

  const publish = (events: EventRepository, environmentId: string) =>
    events.insertWithNotifications({
      id: newId('evt'),
      environmentId,
      type: 'order.paid',
      dataJson: '{}',
      idempotencyKey: null,
      policy: POLICY,
      windowMs: 3_600_000,
    });

  async function transaction(): Promise<QueryRunner> {
    const runner = db.createQueryRunner();
    open.push(runner);
    await runner.connect();
    await runner.startTransaction();
    return runner;
  }

  /** Until a statement of this test's pool waits for a row lock. */
  const someoneWaitsForALock = () =>
    waitFor(
      () =>
        db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`, [APPLICATION]),
      ([row]) => row.n > 0,
      { what: 'a statement waiting for a row lock' },
    );

  it('a publish that read the subscription first makes the delete wait, and the delete then cancels its notification', async () => {
    const { environmentId, subscriptionId } = await subscribed();
    const publishing = await transaction();
    const stored = await publish(new EventRepository(publishing.manager as unknown as DataSource), environmentId);
    expect(stored.notifications).toHaveLength(1);

    const deleting = subscriptions.softDelete(environmentId, subscriptionId);
    await someoneWaitsForALock();
    await publishing.commitTransaction();
    const deleted = await deleting;

    expect(deleted).toEqual({ cancelled: 1, inFlightUntil: null });
    expect(await notifications.cancelledByDeletePage(subscriptionId, null, 10)).toEqual([stored.notifications[0].id]);
    expect((await deliveries.loadDelivery(stored.notifications[0].id))?.status).toBe('cancelled');
  });

  it('a publish that comes while the delete holds the subscription waits, then leaves it out', async () => {
    const { environmentId, subscriptionId } = await subscribed();
    // What softDelete's first transaction does, held open.
    const deleting = await transaction();
    await deleting.query(`SELECT id FROM subscriptions WHERE id = $1 FOR UPDATE`, [subscriptionId]);
    await deleting.query(`UPDATE subscriptions SET deleted_at = now(), updated_at = now() WHERE id = $1`, [subscriptionId]);

    const publishing = publish(new EventRepository(db), environmentId);
    await someoneWaitsForALock();
    await deleting.commitTransaction();

    expect((await publishing).notifications).toEqual([]);
  });

  it('an attempt started before the delete is reported in flight until it is recorded; after it, none can start', async () => {
    const { environmentId, subscriptionId } = await subscribed();
    const events = new EventRepository(db);
    const [inFlight] = (await publish(events, environmentId)).notifications;
    const [notStarted] = (await publish(events, environmentId)).notifications;
    expect(await deliveries.startAttempt(inFlight.id, 5_000)).toBe(true);

    const deleted = await subscriptions.softDelete(environmentId, subscriptionId);
    expect(deleted?.cancelled).toBe(2);
    expect(await notifications.cancelledByDeletePage(subscriptionId, null, 10)).toEqual([inFlight.id, notStarted.id].sort());
    expect(await notifications.cancelledByDeletePage(subscriptionId, null, 1)).toEqual([[inFlight.id, notStarted.id].sort()[0]]);
    expect(deleted?.inFlightUntil?.getTime()).toBeGreaterThan(Date.now());
    expect(await deliveries.startAttempt(notStarted.id, 5_000)).toBe(false);
    const later = await deliveries.loadDelivery(notStarted.id);
    expect(later).toMatchObject({ status: 'cancelled', subscriptionDeleted: true });
  });

  it('loads the subscription’s current URL, not the one the notification was created with', async () => {
    const { environmentId, subscriptionId } = await subscribed();
    const [notification] = (await publish(new EventRepository(db), environmentId)).notifications;
    await subscriptions.update(environmentId, subscriptionId, { url: 'https://elsewhere.example/hooks' }, 50);
    expect(await deliveries.loadDelivery(notification.id)).toMatchObject({ url: 'https://elsewhere.example/hooks', subscriptionDeleted: false });
  });
});
