import { signedInReader } from '../../support/portal';
import { startTestApp, type TestApp, useTestApp } from '../../support/test-app';
import { waitFor } from '../../support/wait';

/** A `datetime-local` input's value (no zone, seconds shown): the form reads it as UTC. */
const localInput = (at: Date) => at.toISOString().slice(0, 19);

describe('the portal: recovering a range of a subscription', () => {
  let down = true;
  // The outage: a 3 s window, 1 s per attempt, and the receiver answers 500 throughout.
  const t = useTestApp({ responder: () => (down ? 500 : 204), env: { DELIVERY_WINDOW: '3s', DELIVERY_TIMEOUT: '1s', BREAKER_FAILURE_THRESHOLD: '0' } });
  // The portal of a process with a 1 min window: the recovery's redeliveries get that window, and wait while held.
  let portal: TestApp;
  beforeAll(async () => {
    portal = await startTestApp({ NODE_EXTRA_CA_CERTS: t.receiver.caFile, DELIVERY_WINDOW: '1m' });
  });
  afterAll(() => portal?.close());

  it('starts from a form, shows its progress while it runs (updating itself), and completes', async () => {
    const { id: environmentId, api } = await t.app.newEnvironment();
    const { body: subscription } = await api.subscribe(t.receiver.url('/outage'));
    const since = new Date(Date.now() - 60_000);
    await Promise.all([1, 2].map((n) => api.publish('order.paid', { n })));
    await waitFor(
      () => t.app.db.query<{ id: string }[]>(`SELECT id FROM notifications WHERE subscription_id = $1 AND status = 'expired'`, [subscription.id]),
      (rows) => rows.length === 2,
      { timeoutMs: 40_000, what: 'both notifications expired' },
    );
    // Paused, the redeliveries are held pending: the recovery's page is read while they are.
    expect((await api.request('PATCH', `/webhooks/subscriptions/${subscription.id}`, { status: 'paused' })).status).toBe(200);
    down = false;
    const reader = await signedInReader(portal, environmentId);

    const form = await reader.get(`/portal/recoveries/new?subscription=${subscription.id}`);
    expect(form.status).toBe(200);
    expect(form.html).toContain(`<option value="${subscription.id}" selected>`);
    expect(form.html).toMatch(/<label for="since">/);

    const posted = await reader.post('/portal/recoveries', { subscription: subscription.id, since: localInput(since), until: '' });
    expect(posted.status).toBe(303);
    const location = posted.headers.get('location') as string;
    expect(location).toMatch(/^\/portal\/recoveries\/rcv_\w+\?done=started$/);

    const running = await reader.get(location);
    expect(running.status).toBe(200);
    expect(running.html).toContain('Recovery accepted: 2 notification(s)');
    expect(running.html).toContain('In progress');
    expect(running.html).toContain('data-live-seconds="2"');
    expect(running.html).toMatch(/<th scope="row">To redeliver<\/th><td>2<\/td>/);

    expect((await api.request('PATCH', `/webhooks/subscriptions/${subscription.id}`, { status: 'active' })).status).toBe(200);
    const done = await waitFor(
      () => reader.get(location.split('?')[0]),
      (page) => page.html.includes('Done.'),
      { timeoutMs: 30_000, what: 'the recovery’s page says it is done' },
    );
    expect(done.html).not.toContain('data-live-seconds');
    expect(done.html).toContain('2 of 2 redeliveries have ended');
    expect(done.html).toMatch(/<th scope="row">Succeeded<\/th><td>2<\/td>/);
    expect(done.html).toMatch(/class="status status-completed">completed</);
    expect(t.receiver.forPath('/outage').filter((r) => r.at > since.getTime()).length).toBeGreaterThan(2);
  }, 90_000);

  it('shows a wrong range or another environment’s subscription in the form, and refuses a forged CSRF token', async () => {
    const theirs = await portal.newEnvironment();
    const { body: theirSubscription } = await theirs.api.subscribe(t.receiver.url('/theirs'));
    const { id: environmentId, api } = await portal.newEnvironment();
    const { body: subscription } = await api.subscribe(t.receiver.url('/mine'));
    const reader = await signedInReader(portal, environmentId);
    await reader.get('/portal/recoveries/new');

    const backwards = await reader.post('/portal/recoveries', { subscription: subscription.id, since: '2026-01-02T00:00:00', until: '2026-01-01T00:00:00' });
    expect(backwards.status).toBe(400);
    expect(backwards.html).toContain('since must be before until');
    expect(backwards.html).toContain('value="2026-01-02T00:00:00"');

    const noTime = await reader.post('/portal/recoveries', { subscription: subscription.id, since: 'yesterday' });
    expect(noTime.status).toBe(400);
    expect(noTime.html).toContain('since must be an ISO-8601 time');

    const foreign = await reader.post('/portal/recoveries', { subscription: theirSubscription.id, since: '2026-01-01T00:00:00' });
    expect(foreign.status).toBe(404);
    expect(foreign.html).not.toContain('/theirs');

    const forged = await reader.post('/portal/recoveries', { _csrf: 'forged', subscription: subscription.id, since: '2026-01-01T00:00:00' });
    expect(forged.status).toBe(403);
    const recoveries = await portal.db.query(`SELECT id FROM recoveries WHERE subscription_id IN ($1, $2)`, [subscription.id, theirSubscription.id]);
    expect(recoveries).toEqual([]);
  });

  it('answers another environment’s recovery with a 404 page', async () => {
    const theirs = await portal.newEnvironment();
    const { body: theirSubscription } = await theirs.api.subscribe(t.receiver.url('/theirs'));
    const started = await theirs.api.request('POST', `/webhooks/subscriptions/${theirSubscription.id}/recover`, { since: '2026-01-01T00:00:00Z' });
    expect(started.status).toBe(202);
    const { id: environmentId } = await portal.newEnvironment();
    const reader = await signedInReader(portal, environmentId);

    const page = await reader.get(`/portal/recoveries/${started.body.id}`);
    expect(page.status).toBe(404);
    expect(page.html).not.toContain(theirSubscription.id);
  });
});
