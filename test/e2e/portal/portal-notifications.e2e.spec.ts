import { deliveredEvent, publishDelivered } from '../../support/deliveries';
import type { ReceivedRequest } from '../../support/https-receiver';
import { signedInReader, type PortalReader } from '../../support/portal';
import { useTestApp } from '../../support/test-app';
import { waitFor } from '../../support/wait';

const XSS_BODY = '<img src=x onerror=alert(1)>';

/**
 * /flaky answers its first request 503 with Retry-After: 2 s (the retry waits that long, so the page can be read in
 * between), then 200; /xss answers 200 with markup in its body; anything else 200.
 */
function responder(_: number, request: ReceivedRequest) {
  if (request.path === '/flaky' && !seen.has(request.headers['webhook-id'])) {
    seen.add(request.headers['webhook-id']);
    return { status: 503, headers: { 'retry-after': '2' }, body: 'down for a moment' };
  }
  if (request.path === '/xss') return { status: 200, body: XSS_BODY };
  return 200;
}
const seen = new Set<string>();

/** The notification's page once `done` accepts its HTML (a pending notification's page changes as attempts land). */
const pageWhen = (reader: PortalReader, id: string, done: (html: string) => boolean, what: string) =>
  waitFor(
    () => reader.get(`/portal/notifications/${id}`),
    (page) => page.status === 200 && done(page.html),
    { what },
  );

describe('the portal: a notification’s page, its attempts and redelivery', () => {
  const t = useTestApp({ responder });

  it('shows a delivered notification: its event, subscription and attempt with status code and request headers', async () => {
    const { id: environmentId, api } = await t.app.newEnvironment();
    await api.subscribe(t.receiver.url('/delivered'));
    // Sent as text: a number JavaScript would round.
    const published = await api.request('POST', '/events', '{"type":"order.paid","data":{"amount":12345678901234567890,"order":"A-1"}}');
    const notificationId = (await deliveredEvent(api, published.body.id)).body.notifications[0].id as string;
    const [received] = t.receiver.forPath('/delivered');
    const reader = await signedInReader(t.app, environmentId);

    const page = await reader.get(`/portal/notifications/${notificationId}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain(`Notification ${notificationId}`);
    expect(page.html).toContain('<code>order.paid</code>');
    expect(page.html).toContain(t.receiver.url('/delivered'));
    expect(page.html).toMatch(/class="status status-succeeded">succeeded</);
    // The data as it was published, indented: its big number keeps its digits.
    expect(page.html).toContain('&quot;amount&quot;: 12345678901234567890,\n  &quot;order&quot;: &quot;A-1&quot;');
    expect(page.html).toContain('Attempt 1');
    expect(page.html).toMatch(/<dt>Status code<\/dt><dd>200<\/dd>/);
    // The headers recorded with the attempt: exactly those the receiver got, the signature included.
    expect(page.html).toContain(`webhook-id: ${received.headers['webhook-id']}`);
    expect(page.html).toContain(`webhook-timestamp: ${received.headers['webhook-timestamp']}`);
    expect(received.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    const shown = /<pre aria-label="Request headers of attempt 1">([^<]*)<\/pre>/.exec(page.html)![1].split('\n');
    expect(shown).toContain(`webhook-signature: ${received.headers['webhook-signature']}`);
    expect(shown).toContain(`user-agent: ${received.headers['user-agent']}`);
    expect(page.html).not.toContain('not recorded');
    // An ended notification's page stands still.
    expect(page.html).not.toContain('data-live-seconds');
  });

  it('shows an attempt recorded before headers were as its record tells, its signature "not recorded"', async () => {
    const { id: environmentId, api } = await t.app.newEnvironment();
    await api.subscribe(t.receiver.url('/older'));
    const { notificationId } = await publishDelivered(api, 'order.paid', { n: 1 });
    const [received] = t.receiver.forPath('/older');
    // As the previous release's worker recorded it: no request_headers.
    await t.app.db.query(`UPDATE attempts SET request_headers = NULL WHERE notification_id = $1`, [notificationId]);
    const reader = await signedInReader(t.app, environmentId);

    const page = await reader.get(`/portal/notifications/${notificationId}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain(`webhook-id: ${received.headers['webhook-id']}`);
    expect(page.html).toContain(`webhook-timestamp: ${received.headers['webhook-timestamp']}`);
    expect(page.html).toContain('webhook-signature: (not recorded with the attempt)');
    expect(page.html).not.toContain(received.headers['webhook-signature']);
  });

  it('shows a failing receiver’s failed attempt, then the retry as it appears', async () => {
    const { id: environmentId, api } = await t.app.newEnvironment();
    await api.subscribe(t.receiver.url('/flaky'));
    const published = await api.publish('order.paid', { n: 1 });
    const [first] = await t.receiver.arrived('/flaky');
    const notificationId = first.headers['webhook-id'];
    const reader = await signedInReader(t.app, environmentId);

    const failed = await pageWhen(reader, notificationId, (html) => html.includes('Attempt 1'), 'the first attempt on the page');
    expect(published.status).toBe(202);
    expect(failed.html).not.toContain('Attempt 2');
    expect(failed.html).toMatch(/Attempt 1 <span class="status status-failed">failed<\/span>/);
    expect(failed.html).toMatch(/<dt>Status code<\/dt><dd>503<\/dd>/);
    expect(failed.html).toContain('receiver answered HTTP 503');
    expect(failed.html).toContain('down for a moment');
    expect(failed.html).toMatch(/class="status status-pending">pending</);
    // Pending: the page updates itself (its live regions), and says when the next attempt is due.
    expect(failed.html).toContain('data-live-seconds="3"');
    expect(failed.html).toMatch(/<dt>Next attempt<\/dt><dd><time datetime="[^"]+"/);

    const retried = await pageWhen(reader, notificationId, (html) => html.includes('Attempt 2'), 'the retry on the page');
    expect(retried.html).toMatch(/Attempt 2 <span class="status status-succeeded">succeeded<\/span>/);
    expect(retried.html).toMatch(/Attempt 1 <span class="status status-failed">failed<\/span>/);
  });

  it('redelivers: the POST answers 303 to the page with a notice, and a new attempt appears', async () => {
    const { id: environmentId, api } = await t.app.newEnvironment();
    await api.subscribe(t.receiver.url('/redeliver'));
    const { notificationId } = await publishDelivered(api, 'order.paid', { n: 1 });
    const reader = await signedInReader(t.app, environmentId);
    await reader.get(`/portal/notifications/${notificationId}`);

    const posted = await reader.post(`/portal/notifications/${notificationId}/redeliver`);
    expect(posted.status).toBe(303);
    expect(posted.headers.get('location')).toBe(`/portal/notifications/${notificationId}?done=redelivered`);
    const shown = await reader.get(posted.headers.get('location') as string);
    expect(shown.html).toContain('Redelivery started');

    const page = await pageWhen(reader, notificationId, (html) => /Attempt 2 <span class="status status-succeeded">/.test(html), 'the redelivery’s attempt');
    expect(page.html).toContain('(redelivery)');
    expect(t.receiver.forPath('/redeliver').map((r) => r.headers['webhook-id'])).toEqual([notificationId, notificationId]);
  });

  it('shows a held notification as held, and a redelivery of it (still pending) refused on its page with why', async () => {
    const { id: environmentId, api } = await t.app.newEnvironment();
    const { body: subscription } = await api.subscribe(t.receiver.url('/held'));
    expect((await api.request('PATCH', `/webhooks/subscriptions/${subscription.id}`, { status: 'paused' })).status).toBe(200);
    const published = await api.publish('order.paid', { n: 1 });
    const notificationId = (await api.request('GET', `/events/${published.body.id}`)).body.notifications[0].id;
    const reader = await signedInReader(t.app, environmentId);

    const page = await pageWhen(reader, notificationId, (html) => html.includes('held while its subscription is paused'), 'the held notification');
    expect(page.html).toContain('can be redelivered once it has ended');
    expect(page.html).not.toContain('/redeliver"');

    const refused = await reader.post(`/portal/notifications/${notificationId}/redeliver`);
    expect(refused.status).toBe(409);
    expect(refused.html).toMatch(/<p class="error" role="alert">notification ntf_\w+ is still pending/);
    expect(refused.html).toContain(`Notification ${notificationId}`);
  });

  it('shows a script in the event’s data and markup in the response body as text', async () => {
    const { id: environmentId, api } = await t.app.newEnvironment();
    await api.subscribe(t.receiver.url('/xss'));
    const { notificationId } = await publishDelivered(api, 'order.paid', { note: '<script>alert(1)</script>' });
    const reader = await signedInReader(t.app, environmentId);

    const page = await reader.get(`/portal/notifications/${notificationId}`);
    expect(page.status).toBe(200);
    // Preact escapes < (and &, "): no tag can open.
    expect(page.html).toContain('&quot;note&quot;: &quot;&lt;script>alert(1)&lt;/script>&quot;');
    expect(page.html).toContain('<pre>&lt;img src=x onerror=alert(1)></pre>');
    expect(page.html).not.toContain('<script>alert(1)');
    expect(page.html).not.toContain('<img src=x');
  });

  it('answers another environment’s notification with a 404 page that shows nothing of it, and redelivers nothing', async () => {
    const theirs = await t.app.newEnvironment();
    await theirs.api.subscribe(t.receiver.url('/theirs'));
    const { notificationId } = await publishDelivered(theirs.api, 'order.secret', { secret: 'their-data' });
    const { id: environmentId } = await t.app.newEnvironment();
    const reader = await signedInReader(t.app, environmentId);

    const page = await reader.get(`/portal/notifications/${notificationId}`);
    expect(page.status).toBe(404);
    expect(page.html).toContain('Not found');
    for (const secret of ['their-data', 'order.secret', '/theirs']) expect(page.html).not.toContain(secret);

    await reader.get('/portal/subscriptions');
    const redelivered = await reader.post(`/portal/notifications/${notificationId}/redeliver`);
    expect(redelivered.status).toBe(404);
    expect(redelivered.html).not.toContain('their-data');
    const { body } = await theirs.api.request('GET', `/notifications/${notificationId}`);
    expect(body).toMatchObject({ status: 'succeeded', attemptCount: 1 });
  });

  it('refuses a redelivery with a forged CSRF token: 403, and no attempt is made', async () => {
    const { id: environmentId, api } = await t.app.newEnvironment();
    await api.subscribe(t.receiver.url('/forged'));
    const { notificationId } = await publishDelivered(api, 'order.paid', { n: 1 });
    const reader = await signedInReader(t.app, environmentId);
    await reader.get(`/portal/notifications/${notificationId}`);

    for (const _csrf of ['forged', '']) {
      const forged = await reader.post(`/portal/notifications/${notificationId}/redeliver`, { _csrf });
      expect(forged.status).toBe(403);
    }
    const { body } = await api.request('GET', `/notifications/${notificationId}`);
    expect(body).toMatchObject({ status: 'succeeded', attemptCount: 1, redeliveredAt: null });
  });
});
