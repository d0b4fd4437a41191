import { declareType, typePrefix } from '../../support/catalog';
import { publishDelivered } from '../../support/deliveries';
import { signedInReader, type PortalReader } from '../../support/portal';
import { storeWithoutDispatch, useTestApp } from '../../support/test-app';
import { waitFor } from '../../support/wait';

/** The notifications a list page shows, in its order. */
const rowsOf = (html: string) => [...html.matchAll(/<a href="\/portal\/notifications\/(ntf_\w+)">/g)].map((match) => match[1]);

/** A pager link of the page, as a path to follow ('&amp;' as the browser reads it). */
function linkOf(html: string, label: 'Next page' | 'Previous page'): string | null {
  const match = new RegExp(`<a href="([^"]+)">${label === 'Next page' ? 'Next page →' : '← Previous page'}</a>`).exec(html);
  return match ? match[1].replaceAll('&amp;', '&') : null;
}

describe('the portal: the notifications list and test events', () => {
  const t = useTestApp();
  const prefix = typePrefix();
  const created = `${prefix}.order.created`;
  const shipped = `${prefix}.order.shipped`;
  const example = { order: 'o_42', note: 'an example' };

  beforeAll(async () => {
    expect((await declareType(t.app.admin, created, { description: 'An order was created', example })).status).toBe(200);
  });

  it('lists newest first, 50 a page with Next and Previous links, filtered by status, event type and subscription', async () => {
    const { id: environmentId, api } = await t.app.newEnvironment();
    const { body: a } = await api.subscribe(t.receiver.url('/list-a'), [created]);
    const { body: b } = await api.subscribe(t.receiver.url('/list-b'), [shipped]);
    // Stored, never dispatched: 55 pending to A, 3 pending to B; and one delivered to B.
    for (let n = 0; n < 55; n++) await storeWithoutDispatch(t.app, environmentId, created, { n });
    for (let n = 0; n < 3; n++) await storeWithoutDispatch(t.app, environmentId, shipped, { n });
    const { notificationId: delivered } = await publishDelivered(api, shipped, { n: 'delivered' });
    const reader = await signedInReader(t.app, environmentId);

    const first = await reader.get('/portal/notifications');
    expect(first.status).toBe(200);
    const firstRows = rowsOf(first.html);
    expect(firstRows).toHaveLength(50);
    expect(firstRows[0]).toBe(delivered);
    expect([...firstRows].sort().reverse()).toEqual(firstRows);
    expect(linkOf(first.html, 'Previous page')).toBeNull();

    const second = await reader.get(linkOf(first.html, 'Next page') as string);
    const secondRows = rowsOf(second.html);
    expect(secondRows).toHaveLength(9);
    expect(secondRows[0] < firstRows[49]).toBe(true);
    expect(linkOf(second.html, 'Next page')).toBeNull();
    const back = await reader.get(linkOf(second.html, 'Previous page') as string);
    expect(rowsOf(back.html)).toEqual(firstRows);

    const succeeded = await reader.get('/portal/notifications?status=succeeded&eventType=&subscriptionId=');
    expect(rowsOf(succeeded.html)).toEqual([delivered]);
    expect(succeeded.html).toContain('<option value="succeeded" selected>');
    const ofType = await reader.get(`/portal/notifications?eventType=${shipped}`);
    expect(rowsOf(ofType.html)).toHaveLength(4);
    expect(ofType.html).toContain(`value="${shipped}"`);
    const toB = await reader.get(`/portal/notifications?subscriptionId=${b.id}`);
    expect(rowsOf(toB.html)).toHaveLength(4);
    expect(toB.html).toContain(`<option value="${b.id}" selected>`);

    // Filtered and paged: the filters stay in the pager's links.
    const pendingToA = await reader.get(`/portal/notifications?status=pending&subscriptionId=${a.id}`);
    expect(rowsOf(pendingToA.html)).toHaveLength(50);
    const next = linkOf(pendingToA.html, 'Next page') as string;
    expect(next).toContain(`status=pending&subscriptionId=${a.id}&after=`);
    expect(rowsOf((await reader.get(next)).html)).toHaveLength(5);

    // Each row opens the notification's page.
    expect((await reader.get(`/portal/notifications/${secondRows[0]}`)).status).toBe(200);
  });

  it('shows refused filters beside the form (400), and another environment’s subscription as an empty list', async () => {
    const theirs = await t.app.newEnvironment();
    const { body: theirSubscription } = await theirs.api.subscribe(t.receiver.url('/theirs'));
    await publishDelivered(theirs.api, created, { secret: 'their-data' });
    const { id: environmentId } = await t.app.newEnvironment();
    const reader = await signedInReader(t.app, environmentId);

    const bad = await reader.get('/portal/notifications?status=<b>bogus</b>');
    expect(bad.status).toBe(400);
    expect(bad.html).toMatch(/<p class="error" role="alert" id="filters-error">status must be one of/);
    expect(bad.html).toContain('Send a test event');
    expect(bad.html).not.toContain('<b>bogus');

    const foreign = await reader.get(`/portal/notifications?subscriptionId=${theirSubscription.id}`);
    expect(foreign.status).toBe(200);
    expect(rowsOf(foreign.html)).toEqual([]);
    expect(foreign.html).toContain('No notification matches.');
    expect(foreign.html).not.toContain('/theirs');
  });

  it('sends a test event: the example reaches the one subscription marked as a test, and its notification is listed as one', async () => {
    const { id: environmentId, api } = await t.app.newEnvironment();
    const { body: subscription } = await api.subscribe(t.receiver.url('/test-event'));
    const reader = await signedInReader(t.app, environmentId);
    const list = await reader.get('/portal/notifications');
    expect(list.html).toContain(`<option value="${created}">`);

    const sent = await reader.post('/portal/notifications/test', { type: created, subscription: subscription.id });
    expect(sent.status).toBe(303);
    const location = sent.headers.get('location') as string;
    const notificationId = /^\/portal\/notifications\/(ntf_\w+)\?done=test-sent$/.exec(location)?.[1] as string;
    expect(notificationId).toBeDefined();
    const [post] = await t.receiver.arrived((r) => r.path === '/test-event' && r.headers['webhook-id'] === notificationId);
    expect(post.headers['webhook-test']).toBe('true');
    expect(JSON.parse(post.body).data).toEqual(example);

    const page = await waitFor(
      () => reader.get(location),
      (answer) => answer.html.includes('Attempt 1'),
      { what: 'the test notification’s attempt on its page' },
    );
    expect(page.html).toContain('Test event sent');
    expect(page.html).toContain(
      `webhook-timestamp: ${post.headers['webhook-timestamp']}\nwebhook-signature: ${post.headers['webhook-signature']}\nwebhook-test: true`,
    );
    expect(page.html).toContain(`<code>${created}</code><span class="badge">test</span>`);
    const listed = await reader.get('/portal/notifications');
    expect(rowsOf(listed.html)).toEqual([notificationId]);
    expect(listed.html).toContain(`<code>${created}</code><span class="badge">test</span>`);
  });

  it('shows a refused test event in its form, and refuses a forged CSRF token', async () => {
    const theirs = await t.app.newEnvironment();
    const { body: theirSubscription } = await theirs.api.subscribe(t.receiver.url('/theirs-test'));
    const { id: environmentId, api } = await t.app.newEnvironment();
    const { body: subscription } = await api.subscribe(t.receiver.url('/paused-test'));
    expect((await api.request('PATCH', `/webhooks/subscriptions/${subscription.id}`, { status: 'paused' })).status).toBe(200);
    const reader: PortalReader = await signedInReader(t.app, environmentId);
    await reader.get('/portal/notifications');

    const paused = await reader.post('/portal/notifications/test', { type: created, subscription: subscription.id });
    expect(paused.status).toBe(409);
    expect(paused.html).toMatch(/<p class="error" role="alert" id="test-error">subscription sub_\w+ is paused/);

    const foreign = await reader.post('/portal/notifications/test', { type: created, subscription: theirSubscription.id });
    expect(foreign.status).toBe(404);
    expect(foreign.html).not.toContain('/theirs-test');

    const forged = await reader.post('/portal/notifications/test', { _csrf: 'forged', type: created, subscription: theirSubscription.id });
    expect(forged.status).toBe(403);
    const events = await t.app.db.query(`SELECT id FROM events WHERE environment_id IN ($1, $2)`, [environmentId, theirs.id]);
    expect(events).toEqual([]);
  });
});
