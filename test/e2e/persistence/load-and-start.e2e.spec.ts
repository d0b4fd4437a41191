import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createActivities, NO_GATE } from '../../../activities';
import { createHttpSender, type HttpSender } from '../../../activities/http/sender';
import { gateIsFree, gateStep, type GateSettings } from '../../../src/domain/gate';
import { DeliveryRepository } from '../../../src/persistence/repositories/delivery.repository';
import { localhostCertificate } from '../../support/certificates';
import { POLICY, useOwnDatabase } from '../../support/own-database';
import { countStatements } from '../../support/statements';

const SETTINGS: GateSettings = { ...NO_GATE, releaseRate: 10 };

/**
 * The load that starts the attempt (LOAD_AND_START) on real PostgreSQL: it marks the notification in flight exactly
 * when gateStep lets the attempt go at once, and it meets a delete's cancel as startAttempt does.
 */
describe('the load that starts the attempt (real PostgreSQL)', () => {
  const database = useOwnDatabase('load-and-start');
  const { subscribed: subscribedTo, transaction, someoneWaitsForALock } = database;
  const subscribed = (url?: string, ordering?: 'none' | 'key') => subscribedTo({ url, ordering });
  const published = async (environmentId: string, orderingKey: string | null = null) =>
    (await database.publish(environmentId, { orderingKey })).notifications[0].id;

  const inFlight = async (notificationId: string) =>
    (
      await database.db.query<{ in_flight: boolean }[]>(`SELECT attempt_in_flight_until > now() AS in_flight FROM notifications WHERE id = $1`, [
        notificationId,
      ])
    )[0].in_flight === true;

  const start = (settings: GateSettings = SETTINGS) => ({ forMs: 5_000, gate: settings });

  // [what, subscription's columns, environment's defaults, config, free]
  const cases: [string, Record<string, unknown>, Record<string, unknown>, Partial<GateSettings>, boolean][] = [
    ['no limits, breaker closed', {}, {}, {}, true],
    ['its own rate', { rate_limit: 5 }, {}, {}, false],
    ['its environment’s rate', {}, { default_rate_limit: 5 }, {}, false],
    ['the config’s rate', {}, {}, { defaultRateLimit: 5 }, false],
    ['its own rate 0 over its environment’s', { rate_limit: 0 }, { default_rate_limit: 5 }, {}, true],
    ['its environment’s rate 0 over the config’s', {}, { default_rate_limit: 0 }, { defaultRateLimit: 5 }, true],
    ['a release under way', { release_until: 'future' }, {}, {}, false],
    ['a release under way at no pace', { release_until: 'future' }, {}, { releaseRate: 0 }, true],
    ['a release that has ended', { release_until: 'past' }, {}, {}, true],
    ['its own cap in flight', { max_in_flight: 2 }, {}, {}, false],
    ['its environment’s cap', {}, { default_max_in_flight: 2 }, {}, false],
    ['the config’s cap', {}, {}, { defaultMaxInFlight: 2 }, false],
    ['its own cap 0 over the config’s', { max_in_flight: 0 }, {}, { defaultMaxInFlight: 2 }, true],
    ['an open breaker', { breaker_state: 'open', breaker_until: 'future' }, {}, {}, false],
    ['a breaker whose time is up (a probe)', { breaker_state: 'open', breaker_until: 'past' }, {}, {}, false],
    ['a half-open breaker', { breaker_state: 'half-open', breaker_until: 'future' }, {}, {}, false],
  ];

  const value = (v: unknown) => (v === 'future' ? `now() + interval '1 minute'` : v === 'past' ? `now() - interval '1 minute'` : `'${String(v)}'`);
  const assignments = (columns: Record<string, unknown>) =>
    Object.entries(columns)
      .map(([column, v]) => `${column} = ${value(v)}`)
      .join(', ');

  it.each(cases)('%s: starts exactly when gateStep says go at once', async (_what, own, environment, config, free) => {
    const { environmentId, subscriptionId } = await subscribed();
    if (Object.keys(own).length > 0) await database.db.query(`UPDATE subscriptions SET ${assignments(own)} WHERE id = $1`, [subscriptionId]);
    if (Object.keys(environment).length > 0) await database.db.query(`UPDATE environments SET ${assignments(environment)} WHERE id = $1`, [environmentId]);
    const notificationId = await published(environmentId);
    const settings = { ...SETTINGS, ...config };

    const delivery = await database.deliveries.loadDelivery(notificationId, start(settings));

    expect(delivery?.started).toBe(free);
    expect(gateIsFree(gateStep(delivery!.gate, settings, () => 0))).toBe(free);
    expect(await inFlight(notificationId)).toBe(free);
  });

  it('does not start a notification behind its ordering key’s head, a paused subscription’s, or a deleted one’s', async () => {
    const ordered = await subscribed('https://receiver.example/hooks', 'key');
    const head = await published(ordered.environmentId, 'k');
    const behind = await published(ordered.environmentId, 'k');
    expect((await database.deliveries.loadDelivery(behind, start()))?.started).toBe(false);
    expect((await database.deliveries.loadDelivery(head, start()))?.started).toBe(true);

    const paused = await subscribed();
    const ofPaused = await published(paused.environmentId);
    await database.db.query(`UPDATE subscriptions SET status = 'paused' WHERE id = $1`, [paused.subscriptionId]);
    expect((await database.deliveries.loadDelivery(ofPaused, start()))?.started).toBe(false);

    const deleted = await subscribed();
    const ofDeleted = await published(deleted.environmentId);
    await database.subscriptions.softDelete(deleted.environmentId, deleted.subscriptionId);
    expect(await database.deliveries.loadDelivery(ofDeleted, start())).toMatchObject({ started: false, subscriptionDeleted: true, status: 'cancelled' });
    expect([await inFlight(behind), await inFlight(ofPaused), await inFlight(ofDeleted)]).toEqual([false, false, false]);
  });

  it('started, then ended (no POST after all): a delete finds nothing in flight', async () => {
    const { environmentId, subscriptionId } = await subscribed();
    const notificationId = await published(environmentId);
    expect((await database.deliveries.loadDelivery(notificationId, start()))?.started).toBe(true);
    await database.deliveries.endAttempt(notificationId);
    expect(await database.subscriptions.softDelete(environmentId, subscriptionId)).toEqual({ cancelled: 1, inFlightUntil: null });
  });

  it('a delete’s cancel that holds the row first: the load waits for it, then starts nothing', async () => {
    const { environmentId, subscriptionId } = await subscribed();
    const notificationId = await published(environmentId);
    const cancelling = await transaction();
    await cancelling.query(`UPDATE notifications SET status = 'cancelled', completed_at = now() WHERE subscription_id = $1 AND status = 'pending'`, [
      subscriptionId,
    ]);

    const loading = database.deliveries.loadDelivery(notificationId, start());
    await someoneWaitsForALock();
    await cancelling.commitTransaction();

    expect((await loading)?.started).toBe(false);
    expect(await inFlight(notificationId)).toBe(false);
  });

  describe('the activity, with a real receiver', () => {
    let receiver: Server;
    let sender: HttpSender;
    let onPost: () => Promise<void> = async () => undefined;

    beforeAll(async () => {
      // Its own HTTPS receiver rather than HttpsReceiver: this one does its checks (and a delete) before it answers.
      const { key, cert, caFile } = await localhostCertificate('plude-load-and-start');
      receiver = createServer({ key, cert }, (req, res) => {
        req.resume();
        req.on('end', () => void onPost().then(() => res.end('ok')));
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      sender = createHttpSender({ extraCaFiles: [caFile], allowPrivateTargets: true, responseBodyLimitBytes: 1024, maxConnectionsPerOrigin: 4 });
    });

    afterAll(async () => {
      await sender?.close();
      await new Promise((resolve) => receiver?.close(resolve));
    });

    it('a free delivery makes one statement before its POST, is in flight when it arrives, and a delete then waits for it', async () => {
      const url = `https://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
      const { environmentId, subscriptionId } = await subscribed(url);
      const notificationId = await published(environmentId);
      const counter = countStatements(database.db);
      const activities = createActivities({ store: new DeliveryRepository(database.db, database.keyRing), sender, autoDisableAfterMs: 0, isLocal: () => true });
      const seen: { statements: number; inFlight: boolean; deleteWaitsUntil: Date | null }[] = [];
      onPost = async () => {
        const statements = counter.texts().length; // before this test's own statements below
        const deleted = await database.subscriptions.softDelete(environmentId, subscriptionId);
        seen.push({ statements, inFlight: await inFlight(notificationId), deleteWaitsUntil: deleted?.inFlightUntil ?? null });
      };

      const outcome = await activities
        .deliverAttempt({ notificationId, environmentId, expiresAt: new Date(Date.now() + 3_600_000).toISOString(), policy: POLICY })
        .finally(() => counter.stop());

      expect(seen).toEqual([{ statements: 1, inFlight: true, deleteWaitsUntil: expect.any(Date) }]);
      expect(seen[0].deleteWaitsUntil!.getTime()).toBeGreaterThan(Date.now());
      // Recorded (the 2xx does not revive a cancelled notification), and no longer in flight.
      expect(outcome).toEqual({ status: 'cancelled', attempt: 1 });
      expect(await inFlight(notificationId)).toBe(false);
    });
  });
});
