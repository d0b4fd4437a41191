import type { DataSource } from 'typeorm';
import { EventRepository, type StoredEvent } from '../../../src/persistence/repositories/event.repository';
import { PurgeRepository } from '../../../src/persistence/repositories/purge.repository';
import { useOwnDatabase } from '../../support/own-database';

/** The retention the purge is called with; the finished events are made an hour old. */
const RETENTION_MS = 60_000;

/**
 * The counters that give an ordering key's notifications their places (ordering_keys) go with the key's notifications:
 * the purge batch that deletes them frees the counter once no notification of the key is pending, and never one that
 * a publish holds.
 */
describe('the purge and the ordering keys’ counters (real PostgreSQL)', () => {
  const own = useOwnDatabase('ordering-key-purge');
  const purge = () => new PurgeRepository(own.db).purgeEvents(RETENTION_MS, null, 500);
  const counter = async (subscriptionId: string, key: string) =>
    (
      await own.db.query<{ last_seq: string }[]>(`SELECT last_seq FROM ordering_keys WHERE subscription_id = $1 AND ordering_key = $2`, [subscriptionId, key])
    )[0]?.last_seq ?? null;
  const placeOf = async (stored: StoredEvent) =>
    (await own.db.query<{ ordering_seq: string }[]>(`SELECT ordering_seq FROM notifications WHERE event_id = $1`, [stored.event.id]))[0].ordering_seq;
  /** The events' notifications succeeded an hour ago, and the events are an hour old: past the retention. */
  const finishedLongAgo = async (...stored: StoredEvent[]) => {
    const ids = stored.map((s) => s.event.id);
    await own.db.query(`UPDATE events SET created_at = now() - interval '1 hour' WHERE id = ANY ($1)`, [ids]);
    await own.db.query(`UPDATE notifications SET status = 'succeeded', completed_at = now() - interval '1 hour' WHERE event_id = ANY ($1)`, [ids]);
  };
  // Each test counts what its own purge deletes: what an earlier test left past the retention (a failed one stops
  // before its purge) goes first.
  beforeEach(async () => {
    await purge();
  });

  it('frees a key’s counter with the key’s last notifications, and the key’s next publish takes place 1', async () => {
    const { environmentId, subscriptionId } = await own.subscribed({ ordering: 'key' });
    const first = await own.publish(environmentId, { orderingKey: 'in_1' });
    const second = await own.publish(environmentId, { orderingKey: 'in_1' });
    const otherKey = await own.publish(environmentId, { orderingKey: 'in_2' });
    expect([await placeOf(first), await placeOf(second), await placeOf(otherKey)]).toEqual(['1', '2', '1']);
    await finishedLongAgo(first, second);

    expect((await purge()).deleted).toMatchObject({ events: 2, notifications: 2 });

    expect(await counter(subscriptionId, 'in_1')).toBeNull();
    expect(await counter(subscriptionId, 'in_2')).toBe('1');
    expect(await placeOf(await own.publish(environmentId, { orderingKey: 'in_1' }))).toBe('1');
  });

  it('keeps the counter while a notification of its key is pending: the next place follows it', async () => {
    const { environmentId, subscriptionId } = await own.subscribed({ ordering: 'key' });
    const finished = await own.publish(environmentId, { orderingKey: 'in_1' });
    const pending = await own.publish(environmentId, { orderingKey: 'in_1' });
    await finishedLongAgo(finished);

    expect((await purge()).deleted).toMatchObject({ events: 1, notifications: 1 });

    expect(await counter(subscriptionId, 'in_1')).toBe('2');
    expect(await placeOf(pending)).toBe('2');
    expect(await placeOf(await own.publish(environmentId, { orderingKey: 'in_1' }))).toBe('3');
  });

  it('skips a counter that a publish holds, without waiting for it: the publish’s place stands and the next follows it', async () => {
    const { environmentId, subscriptionId } = await own.subscribed({ ordering: 'key' });
    const finished = await own.publish(environmentId, { orderingKey: 'in_1' });
    await finishedLongAgo(finished);
    // A publish of the key, its place taken and its counter locked, not committed: the purge cannot see its notification.
    const publishing = await own.transaction();
    const held = await own.publish(environmentId, { orderingKey: 'in_1', events: new EventRepository(publishing.manager as unknown as DataSource) });

    expect((await purge()).deleted).toMatchObject({ events: 1, notifications: 1 });
    await publishing.commitTransaction();

    expect(await counter(subscriptionId, 'in_1')).toBe('2');
    expect(await placeOf(held)).toBe('2');
    expect(await placeOf(await own.publish(environmentId, { orderingKey: 'in_1' }))).toBe('3');
  });

  it('frees a counter by subscription and key: the same key’s counter of another subscription stays', async () => {
    const done = await own.subscribed({ ordering: 'key' });
    const busy = await own.subscribed({ ordering: 'key' });
    const finished = await own.publish(done.environmentId, { orderingKey: 'in_1' });
    const pending = await own.publish(busy.environmentId, { orderingKey: 'in_1' });
    await finishedLongAgo(finished);

    expect((await purge()).deleted).toMatchObject({ events: 1, notifications: 1 });

    expect(await counter(done.subscriptionId, 'in_1')).toBeNull();
    expect(await counter(busy.subscriptionId, 'in_1')).toBe('1');
    expect(await placeOf(pending)).toBe('1');
  });
});
