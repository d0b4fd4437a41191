import { deliveryPolicyOf } from '../../../src/config/config';
import { newId } from '../../../src/domain/ids';
import { NotificationDispatcher } from '../../../src/outbox/notification-dispatcher';
import { EventRepository } from '../../../src/persistence/repositories/event.repository';
import type { ApiClient } from '../../support/api-client';
import type { ReceivedRequest } from '../../support/https-receiver';
import { useTestApp } from '../../support/test-app';
import { waitFor } from '../../support/wait';

const nOf = (request: ReceivedRequest) => (JSON.parse(request.body) as { data: { n: number } }).data.n;

/** Ordered delivery (issue 22) with a pause, a window that closes, a recovery and a change of ordering. */
describe('ordered delivery: pause, expiry, recovery, ordering changed', () => {
  /** Paths under /down answer 500 until the test heals them. */
  const healed = new Set<string>();
  const t = useTestApp({
    responder: (_, request) => (request.path.startsWith('/down') && !healed.has(request.path) ? 500 : 200),
    // Windows short enough to watch them close; no breaker, which would hold the heads for reasons of its own.
    env: {
      DELIVERY_WINDOW: '5s',
      DELIVERY_TIMEOUT: '1s',
      RETRY_INITIAL_INTERVAL: '200ms',
      RETRY_MAX_INTERVAL: '1s',
      BREAKER_FAILURE_THRESHOLD: '0',
      ORDERING_RECHECK_INTERVAL: '1s',
    },
  });

  async function orderedKey(api: ApiClient, path: string, count: number): Promise<{ subscriptionId: string; ids: string[] }> {
    const subscribed = await api.request('PUT', '/webhooks/subscribe', { url: t.receiver.url(path), ordering: 'key' });
    const ids: string[] = [];
    for (let n = 0; n < count; n++) {
      const published = await api.request('POST', '/events', { type: 'ledger.entry', data: { n }, orderingKey: 'k' });
      const event = await waitFor(
        () => api.request('GET', `/events/${published.body.id}`),
        (r) => r.body.notifications.length === 1,
      );
      ids.push(event.body.notifications[0].id as string);
    }
    return { subscriptionId: subscribed.body.id as string, ids };
  }

  const statusOf = async (api: ApiClient, id: string) => (await api.request('GET', `/notifications/${id}`)).body;

  it('a pause holds the key’s head like any other; on resume the key goes out in order', async () => {
    const { api } = await t.app.newEnvironment();
    const path = '/paused';
    const subscribed = await api.request('PUT', '/webhooks/subscribe', { url: t.receiver.url(path), ordering: 'key' });
    const subscriptionId = subscribed.body.id as string;
    await api.request('PATCH', `/webhooks/subscriptions/${subscriptionId}`, { status: 'paused' });
    const ids: string[] = [];
    for (let n = 0; n < 3; n++) {
      const published = await api.request('POST', '/events', { type: 'ledger.entry', data: { n }, orderingKey: 'k' });
      const event = await waitFor(
        () => api.request('GET', `/events/${published.body.id}`),
        (r) => r.body.notifications.length === 1,
      );
      ids.push(event.body.notifications[0].id as string);
    }
    // The head is held by the pause; the two behind it wait for their turn (they never reach the gate).
    await waitFor(
      () => statusOf(api, ids[0]),
      (n) => n.held === 'paused' && n.temporal?.held === true,
    );
    expect((await statusOf(api, ids[2])).waitsFor).toBe(ids[0]);
    expect(t.receiver.forPath(path)).toHaveLength(0);

    await api.request('PATCH', `/webhooks/subscriptions/${subscriptionId}`, { status: 'active' });
    const received = await t.receiver.arrived(path, 3);
    expect(received.map((r) => r.headers['webhook-id'])).toEqual(ids);
  });

  it('behind a stuck head the others expire without an attempt, each in its own window; a recovery of the range keeps their order', async () => {
    const { api, id: environmentId } = await t.app.newEnvironment();
    const path = '/down-then-recovered';
    const since = new Date(Date.now() - 60_000).toISOString();
    const { subscriptionId, ids } = await orderedKey(api, path, 1);
    // Two more of the key, published (as by a process configured so) with a 2 s window: theirs closes before the head's.
    for (const n of [1, 2]) {
      const stored = await new EventRepository(t.app.db).insertWithNotifications({
        id: newId('evt'),
        environmentId,
        type: 'ledger.entry',
        dataJson: JSON.stringify({ n }),
        idempotencyKey: null,
        orderingKey: 'k',
        policy: deliveryPolicyOf(t.app.config.delivery),
        windowMs: 2_000,
      });
      const [notification] = stored.notifications;
      ids.push(notification.id);
      t.app.api.http.get(NotificationDispatcher).startInBackground([
        {
          notificationId: notification.id,
          subscriptionId,
          environmentId,
          eventId: stored.event.id,
          eventType: stored.event.type,
          eventCreatedAt: stored.event.createdAt,
          expiresAt: notification.expiresAt,
          policy: notification.policy,
          url: notification.url,
          trigger: 'initial',
          ordered: notification.ordered,
        },
      ]);
    }
    const waiters = await Promise.all(
      ids.slice(1).map((id) =>
        waitFor(
          () => statusOf(api, id),
          (n) => n.status === 'expired',
          { what: `${id} expired` },
        ),
      ),
    );
    // Expired without an attempt, while their head was still being tried.
    expect(waiters.map((n) => n.attemptCount)).toEqual([0, 0]);
    expect((await statusOf(api, ids[0])).status).toBe('pending');
    const head = await waitFor(
      () => statusOf(api, ids[0]),
      (n) => n.status === 'expired',
      { what: 'the head expired' },
    );
    expect(head.attemptCount).toBeGreaterThan(1);
    expect(new Set(t.receiver.forPath(path).map((r) => r.headers['webhook-id']))).toEqual(new Set([ids[0]]));

    healed.add(path);
    const recovery = await api.request('POST', `/webhooks/subscriptions/${subscriptionId}/recover`, { since });
    expect(recovery.status).toBe(202);
    expect(recovery.body.notifications).toBe(3);
    await Promise.all(
      ids.map((id) =>
        waitFor(
          () => statusOf(api, id),
          (n) => n.status === 'succeeded',
        ),
      ),
    );
    // After the head's failed attempts: the three, once each, in their key's order.
    expect(
      t.receiver
        .forPath(path)
        .slice(-3)
        .map((r) => r.headers['webhook-id']),
    ).toEqual(ids);
  });

  it('a lost turn signal: the waiting notification finds its turn at its next look at the database', async () => {
    const { api } = await t.app.newEnvironment();
    const path = '/down-lost-signal';
    const { ids } = await orderedKey(api, path, 2);
    await waitFor(
      () => statusOf(api, ids[1]),
      (n) => n.waitsFor === ids[0],
    );
    // The head ends without its workflow passing the turn on (terminated: no code of it runs), as if that signal
    // were lost; the database says it ended.
    await t.app.client.workflow.getHandle(ids[0]).terminate('the test loses its turn signal');
    await t.app.db.query(`UPDATE notifications SET status = 'skipped', completed_at = now() WHERE id = $1`, [ids[0]]);
    healed.add(path);
    const delivered = await waitFor(
      () => statusOf(api, ids[1]),
      (n) => n.status === 'succeeded',
      { what: 'the second delivered after its look at the database (ORDERING_RECHECK_INTERVAL 1s)' },
    );
    expect(delivered.attemptCount).toBe(1);
  });

  it('ordering set back to none: new notifications are unordered, those already waiting keep their turn', async () => {
    const { api } = await t.app.newEnvironment();
    const path = '/down-ordering-off';
    const { subscriptionId, ids } = await orderedKey(api, path, 2);
    await waitFor(
      () => statusOf(api, ids[1]),
      (n) => n.waitsFor === ids[0],
    );
    const patched = await api.request('PATCH', `/webhooks/subscriptions/${subscriptionId}`, { ordering: 'none' });
    expect(patched.body.ordering).toBe('none');
    // The new one is attempted at once, though the key's head is still failing.
    const published = await api.request('POST', '/events', { type: 'ledger.entry', data: { n: 2 }, orderingKey: 'k' });
    await t.receiver.arrived((r) => r.path === path && nOf(r) === 2);
    const event = await api.request('GET', `/events/${published.body.id}`);
    expect((await statusOf(api, event.body.notifications[0].id as string)).orderingKey).toBeNull();
    expect(await statusOf(api, ids[1])).toMatchObject({ status: 'pending', attemptCount: 0, orderingKey: 'k', waitsFor: ids[0] });
  });
});
