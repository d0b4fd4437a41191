import type { DataSource } from 'typeorm';
import { EventRepository } from '../../../src/persistence/repositories/event.repository';
import { NotificationRepository } from '../../../src/persistence/repositories/notification.repository';
import { useOwnDatabase } from '../../support/own-database';

/**
 * The orders a DELETE of a subscription can meet a publish or an attempt in, made one at a time on real PostgreSQL:
 * one side holds its transaction open while the other runs into its lock.
 */
describe('a subscription’s delete against a publish and an attempt (real PostgreSQL)', () => {
  const own = useOwnDatabase('delete-races');
  const { subscribed, transaction, someoneWaitsForALock } = own;
  const cancelledPage = (subscriptionId: string, limit: number) => new NotificationRepository(own.db).cancelledByDeletePage(subscriptionId, null, limit);

  it('a publish that read the subscription first makes the delete wait, and the delete then cancels its notification', async () => {
    const { environmentId, subscriptionId } = await subscribed();
    const publishing = await transaction();
    const stored = await own.publish(environmentId, { events: new EventRepository(publishing.manager as unknown as DataSource) });
    expect(stored.notifications).toHaveLength(1);

    const deleting = own.subscriptions.softDelete(environmentId, subscriptionId);
    await someoneWaitsForALock();
    await publishing.commitTransaction();
    const deleted = await deleting;

    expect(deleted).toEqual({ cancelled: 1, inFlightUntil: null });
    expect(await cancelledPage(subscriptionId, 10)).toEqual([stored.notifications[0].id]);
    expect((await own.deliveries.loadDelivery(stored.notifications[0].id))?.status).toBe('cancelled');
  });

  it('a publish that comes while the delete holds the subscription waits, then leaves it out', async () => {
    const { environmentId, subscriptionId } = await subscribed();
    // What softDelete's first transaction does, held open.
    const deleting = await transaction();
    await deleting.query(`SELECT id FROM subscriptions WHERE id = $1 FOR UPDATE`, [subscriptionId]);
    await deleting.query(`UPDATE subscriptions SET deleted_at = now(), updated_at = now() WHERE id = $1`, [subscriptionId]);

    const publishing = own.publish(environmentId);
    await someoneWaitsForALock();
    await deleting.commitTransaction();

    expect((await publishing).notifications).toEqual([]);
  });

  it('an attempt started before the delete is reported in flight until it is recorded; after it, none can start', async () => {
    const { environmentId, subscriptionId } = await subscribed();
    const [inFlight] = (await own.publish(environmentId)).notifications;
    const [notStarted] = (await own.publish(environmentId)).notifications;
    expect(await own.deliveries.startAttempt(inFlight.id, 5_000)).toBe(true);

    const deleted = await own.subscriptions.softDelete(environmentId, subscriptionId);
    expect(deleted?.cancelled).toBe(2);
    expect(await cancelledPage(subscriptionId, 10)).toEqual([inFlight.id, notStarted.id].sort());
    expect(await cancelledPage(subscriptionId, 1)).toEqual([[inFlight.id, notStarted.id].sort()[0]]);
    expect(deleted?.inFlightUntil?.getTime()).toBeGreaterThan(Date.now());
    expect(await own.deliveries.startAttempt(notStarted.id, 5_000)).toBe(false);
    const later = await own.deliveries.loadDelivery(notStarted.id);
    expect(later).toMatchObject({ status: 'cancelled', subscriptionDeleted: true });
  });

  it('loads the subscription’s current URL, not the one the notification was created with', async () => {
    const { environmentId, subscriptionId } = await subscribed();
    const [notification] = (await own.publish(environmentId)).notifications;
    await own.subscriptions.update(environmentId, subscriptionId, { url: 'https://elsewhere.example/hooks' }, 50);
    expect(await own.deliveries.loadDelivery(notification.id)).toMatchObject({ url: 'https://elsewhere.example/hooks', subscriptionDeleted: false });
  });
});
