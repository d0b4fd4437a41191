import { deliveredEvent } from '../../support/deliveries';
import { waitFor } from '../../support/wait';
import { useTestApp } from '../../support/test-app';

describe('managing a subscription: list, get, change, delete', () => {
  const t = useTestApp({ responder: (_, request) => (request.path.startsWith('/failing') ? 500 : 204), env: { RETRY_INITIAL_INTERVAL: '1s' } });

  it('lists live subscriptions newest first, a page at a time', async () => {
    const { api } = await t.app.newEnvironment();
    const ids: string[] = [];
    for (const n of [1, 2, 3]) ids.push((await api.subscribe(t.receiver.url(`/list-${n}`), ['a.b'])).body.id);
    const first = await api.request('GET', '/webhooks/subscriptions?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.items.map((s: { id: string }) => s.id)).toEqual([ids[2], ids[1]]);
    expect(first.body.items[0]).toEqual({
      id: ids[2],
      url: t.receiver.url('/list-3'),
      eventTypes: ['a.b'],
      status: 'active',
      disabledReason: null,
      rateLimit: null,
      maxInFlight: null,
      breaker: { state: 'closed', until: null, consecutiveFailures: 0 },
      ordering: 'none',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(first.body.nextCursor).toBe(ids[1]);
    const second = await api.request('GET', `/webhooks/subscriptions?limit=2&after=${first.body.nextCursor}`);
    expect(second.body).toEqual({ items: [expect.objectContaining({ id: ids[0] })], nextCursor: null });

    expect((await api.request('DELETE', `/webhooks/subscriptions/${ids[1]}`)).status).toBe(204);
    const all = await api.request('GET', '/webhooks/subscriptions');
    expect(all.body.items.map((s: { id: string }) => s.id)).toEqual([ids[2], ids[0]]);
  });

  it.each([
    ['limit=0', 'limit must be an integer from 1 to 100'],
    ['limit=101', 'limit must be an integer from 1 to 100'],
    ['limit=two', 'limit must be an integer from 1 to 100'],
    ['after=sub_nope', 'after must be a subscription ID'],
    ['colour=red', 'property colour should not exist'],
  ])('refuses a bad page query (%s) with a 400 that says why', async (query, message) => {
    const { api } = await t.app.newEnvironment();
    const response = await api.request('GET', `/webhooks/subscriptions?${query}`);
    expect(response.status).toBe(400);
    expect(response.body.message).toContain(message);
  });

  it('gets one subscription, never its keys', async () => {
    const { api } = await t.app.newEnvironment();
    const { body } = await api.subscribe(t.receiver.url('/get'));
    const got = await api.request('GET', `/webhooks/subscriptions/${body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: body.id, url: body.url, status: 'active', eventTypes: [] });
    expect(JSON.stringify(got.body)).not.toContain('whsec_');
  });

  it("answers 404 for another environment's subscription, an unknown one and a malformed ID on every route", async () => {
    const mine = await t.app.newEnvironment();
    const theirs = await t.app.newEnvironment();
    const { body } = await theirs.api.subscribe(t.receiver.url('/theirs'));
    for (const id of [body.id, 'sub_01ARZ3NDEKTSV4RRFFQ69G5FAV', 'nope']) {
      for (const [method, payload] of [['GET'], ['PATCH', { status: 'paused' }], ['DELETE']] as const) {
        const response = await mine.api.request(method, `/webhooks/subscriptions/${id}`, payload);
        expect([method, id, response.status]).toEqual([method, id, 404]);
        expect(response.body.message).toContain('not found');
      }
    }
    expect((await theirs.api.request('GET', `/webhooks/subscriptions/${body.id}`)).body.status).toBe('active');
  });

  it('changes URL and event types through the same URL policy as subscribe', async () => {
    const { api } = await t.app.newEnvironment();
    const { body } = await api.subscribe(t.receiver.url('/before'));
    const changed = await api.request('PATCH', `/webhooks/subscriptions/${body.id}`, { url: t.receiver.url('/after'), eventTypes: ['order.*x'] });
    expect(changed.status).toBe(400);
    const ok = await api.request('PATCH', `/webhooks/subscriptions/${body.id}`, { url: t.receiver.url('/after'), eventTypes: ['order.paid'] });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ url: t.receiver.url('/after'), eventTypes: ['order.paid'], status: 'active' });
    expect(Date.parse(ok.body.updatedAt)).toBeGreaterThan(Date.parse(ok.body.createdAt));

    const http = await api.request('PATCH', `/webhooks/subscriptions/${body.id}`, { url: 'http://example.com/hooks' });
    expect(http.status).toBe(400);
    expect(http.body.message).toMatch(/https/);
    const disable = await api.request('PATCH', `/webhooks/subscriptions/${body.id}`, { status: 'disabled' });
    expect(disable.body).toMatchObject({ statusCode: 400, message: 'status must be "active" or "paused"' });
    const other = await api.subscribe(t.receiver.url('/other'));
    const clash = await api.request('PATCH', `/webhooks/subscriptions/${other.body.id}`, { url: t.receiver.url('/after') });
    expect(clash.status).toBe(409);
  });

  it('sends a notification created before a change of URL to the new URL, not the one it was created with', async () => {
    const { api } = await t.app.newEnvironment();
    const { body } = await api.subscribe(t.receiver.url('/old-home'));
    await api.request('PATCH', `/webhooks/subscriptions/${body.id}`, { status: 'paused' });
    const held = await api.publish('order.paid', { n: 1 });
    await api.request('PATCH', `/webhooks/subscriptions/${body.id}`, { url: t.receiver.url('/new-home') });
    const later = await api.publish('order.paid', { n: 2 });
    await api.request('PATCH', `/webhooks/subscriptions/${body.id}`, { status: 'active' });

    const arrived = await t.receiver.arrived('/new-home', 2);
    expect(arrived.map((r) => JSON.parse(r.body).id).sort()).toEqual([held.body.id, later.body.id].sort());
    expect(t.receiver.forPath('/old-home')).toEqual([]);
    const event = await deliveredEvent(api, held.body.id);
    const notification = await api.request('GET', `/notifications/${event.body.notifications[0].id}`);
    expect(notification.body.attempts.map((a: { url: string }) => a.url)).toEqual([t.receiver.url('/new-home')]);
  });

  it('deletes: pending notifications end cancelled, their workflows are cancelled, and no attempt follows', async () => {
    const { api } = await t.app.newEnvironment();
    const { body } = await api.subscribe(t.receiver.url('/failing-deleted'));
    const published = await api.publish('order.paid', { n: 1 });
    const event = await waitFor(
      () => api.request('GET', `/events/${published.body.id}`),
      (r) => r.body.notifications[0]?.attemptCount >= 1,
    );
    const notificationId = event.body.notifications[0].id as string;

    expect((await api.request('DELETE', `/webhooks/subscriptions/${body.id}`)).status).toBe(204);
    const cancelled = await api.request('GET', `/notifications/${notificationId}`);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', nextAttemptAt: null, held: null });
    const handle = t.app.client.workflow.getHandle(notificationId);
    await waitFor(
      () => handle.describe(),
      (d) => d.status.name !== 'RUNNING',
    );
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    const attempts = (await api.request('GET', `/notifications/${notificationId}`)).body.attemptCount;
    expect(t.receiver.forPath('/failing-deleted')).toHaveLength(attempts);

    expect((await api.request('GET', `/webhooks/subscriptions/${body.id}`)).status).toBe(404);
    expect((await api.request('DELETE', `/webhooks/subscriptions/${body.id}`)).status).toBe(404);
    const again = await api.subscribe(t.receiver.url('/failing-deleted'));
    expect(again.body.id).not.toBe(body.id);
    expect(again.body.signatureKey).not.toBe(body.signatureKey);
    const fresh = await api.publish('order.paid', { n: 2 });
    expect(fresh.body.notifications).toBe(1);
  });
});
