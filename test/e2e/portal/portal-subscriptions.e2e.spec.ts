import { Webhook } from 'standardwebhooks';
import { declareType, typePrefix } from '../../support/catalog';
import { type PortalReader, signedInReader } from '../../support/portal';
import { useTestApp } from '../../support/test-app';

/** The subscription's ID in a redirect to its page. */
const idIn = (location: string | null) => {
  const match = /^\/portal\/subscriptions\/(sub_[A-Za-z0-9]+)\?done=created$/.exec(location ?? '');
  if (!match) throw new Error(`not a redirect to a new subscription's page: ${location}`);
  return match[1];
};

/** The key a "Reveal signing key" answer shows. */
const keyIn = (html: string) => {
  const match = /<code id="signing-key-value">(whsec_[A-Za-z0-9+/=]+)<\/code>/.exec(html);
  if (!match) throw new Error('the page shows no signing key');
  return match[1];
};

/** The row of the subscription page's facts table named `name`, as text. */
const fact = (html: string, name: string) => new RegExp(`<th scope="row">${name}</th><td>([^<]*)</td>`).exec(html)?.[1];

/** Subscribes `url` through the portal's form; the new subscription's ID. */
async function create(reader: PortalReader, fields: Record<string, string>): Promise<string> {
  await reader.get('/portal/subscriptions/new');
  const created = await reader.post('/portal/subscriptions', fields);
  expect(created.status).toBe(303);
  return idIn(created.headers.get('location'));
}

describe('the portal: subscriptions', () => {
  // Private targets are refused, except in the environments that allow them (the receiver is on 127.0.0.1).
  const t = useTestApp({ env: { ALLOW_PRIVATE_TARGETS: 'false' } });

  it('creates a subscription to an HTTPS receiver with a catalog type, and a publish of that type arrives signed', async () => {
    const { id: environmentId, api } = await t.app.newEnvironment({ allowPrivateTargets: true });
    const type = `${typePrefix()}.invoice.paid`;
    expect((await declareType(t.app.admin, type, { description: 'An invoice was paid', example: { invoice: 'in_1' } })).status).toBe(200);
    const reader = await signedInReader(t.app, environmentId);
    const form = await reader.get('/portal/subscriptions/new');
    expect(form.html).toContain(`<input type="checkbox" name="eventTypes" value="${type}"/>`);

    const url = t.receiver.url('/portal-create');
    const id = await create(reader, { url, eventTypes: type });
    const page = await reader.get(`/portal/subscriptions/${id}?done=created`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('Subscribed.');
    expect(fact(page.html, 'Event types')).toBe(type);
    expect(fact(page.html, 'Status')).toBe('active');
    expect(fact(page.html, 'Breaker')).toBe('closed, 0 failures since the last success');
    expect(page.html).not.toMatch(/whsec_/);

    const list = await reader.get('/portal/subscriptions');
    expect(list.html).toContain(`<a href="/portal/subscriptions/${id}"><code>${url}</code></a>`);

    const revealed = await reader.post(`/portal/subscriptions/${id}/reveal-key`);
    expect(revealed.status).toBe(200);
    expect(revealed.headers.get('cache-control')).toContain('no-store');
    const key = keyIn(revealed.html);

    expect((await api.publish(type, { invoice: 'in_1' })).status).toBe(202);
    const [request] = await t.receiver.arrived('/portal-create');
    expect(new Webhook(key).verify(request.body, request.headers)).toMatchObject({ type, environment: environmentId, data: { invoice: 'in_1' } });
  });

  it('shows the URL policy’s refusals beside the URL, keeping what was typed (escaped), with a 400', async () => {
    const { id: environmentId } = await t.app.newEnvironment({ allowPrivateTargets: false });
    const reader = await signedInReader(t.app, environmentId);
    await reader.get('/portal/subscriptions/new');

    const plain = await reader.post('/portal/subscriptions', { url: 'http://receiver.example/hooks', rateLimit: '5' });
    expect(plain.status).toBe(400);
    expect(plain.html).toMatch(/<p id="url-error" class="error">url must use https \(got http:\)<\/p>/);
    expect(plain.html).toContain('value="http://receiver.example/hooks"');
    expect(plain.html).toContain('aria-invalid="true"');
    expect(plain.html).toContain('name="rateLimit" value="5"');

    const privateTarget = await reader.post('/portal/subscriptions', { url: 'https://10.1.2.3/hooks' });
    expect(privateTarget.status).toBe(400);
    expect(privateTarget.html).toMatch(/<p id="url-error" class="error">url host 10\.1\.2\.3 [^<]*private/);
    expect(privateTarget.html).toContain('value="https://10.1.2.3/hooks"');

    const script = 'http://x.example/"><script>alert(1)</script>';
    const scripted = await reader.post('/portal/subscriptions', { url: script, rateLimit: 'fast' });
    expect(scripted.status).toBe(400);
    expect(scripted.html).not.toContain('<script>alert(1)');
    expect(scripted.html).toContain('value="http://x.example/&quot;>&lt;script>alert(1)&lt;/script>"');

    // The DTO's own checks, beside their fields.
    const rate = await reader.post('/portal/subscriptions', { url: 'https://receiver.example/hooks', rateLimit: 'fast', maxInFlight: '1.5' });
    expect(rate.status).toBe(400);
    expect(rate.html).toMatch(/<p id="rateLimit-error" class="error">rateLimit must be deliveries a second/);
    expect(rate.html).toMatch(/<p id="maxInFlight-error" class="error">maxInFlight must be a whole number/);
    expect((await reader.get('/portal/subscriptions')).html).toContain('No subscriptions yet.');
  });

  it('edits the URL, event types, limits and ordering; pauses and resumes', async () => {
    const { id: environmentId, api } = await t.app.newEnvironment({ allowPrivateTargets: true });
    const reader = await signedInReader(t.app, environmentId);
    const id = await create(reader, { url: t.receiver.url('/portal-edit-a') });
    await reader.get(`/portal/subscriptions/${id}`);

    const refused = await reader.post(`/portal/subscriptions/${id}`, { url: 'http://plain.example/', otherEventTypes: 'invoice.*' });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('url must use https');
    expect(refused.html).toContain('name="otherEventTypes" value="invoice.*"');

    const url = t.receiver.url('/portal-edit-b');
    const saved = await reader.post(`/portal/subscriptions/${id}`, {
      url,
      otherEventTypes: 'invoice.*, order.shipped',
      rateLimit: '2.5',
      maxInFlight: '3',
      ordering: 'key',
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe(`/portal/subscriptions/${id}?done=saved`);
    const viewed = await api.request('GET', `/webhooks/subscriptions/${id}`);
    expect(viewed.body).toMatchObject({ url, eventTypes: ['invoice.*', 'order.shipped'], rateLimit: 2.5, maxInFlight: 3, ordering: 'key', status: 'active' });
    const page = await reader.get(`/portal/subscriptions/${id}?done=saved`);
    expect(fact(page.html, 'Rate limit')).toBe('2.5 a second');
    expect(fact(page.html, 'In flight at once')).toBe('3');
    expect(fact(page.html, 'Ordering')).toBe('key');

    expect((await reader.post(`/portal/subscriptions/${id}/pause`)).status).toBe(303);
    expect((await api.request('GET', `/webhooks/subscriptions/${id}`)).body.status).toBe('paused');
    const paused = await reader.get(`/portal/subscriptions/${id}?done=paused`);
    expect(fact(paused.html, 'Status')).toBe('paused');
    expect(paused.html).toContain('>Resume</button>');

    expect((await reader.post(`/portal/subscriptions/${id}/resume`)).status).toBe(303);
    expect((await api.request('GET', `/webhooks/subscriptions/${id}`)).body.status).toBe('active');
    expect(fact((await reader.get(`/portal/subscriptions/${id}`)).html, 'Status')).toBe('active');
  });

  it('rotates the key: the key revealed then is new, and the next notification verifies with it and not the old one', async () => {
    const { id: environmentId, api } = await t.app.newEnvironment({ allowPrivateTargets: true });
    const reader = await signedInReader(t.app, environmentId);
    const id = await create(reader, { url: t.receiver.url('/portal-rotate') });
    await reader.get(`/portal/subscriptions/${id}`);
    const before = keyIn((await reader.post(`/portal/subscriptions/${id}/reveal-key`)).html);

    const rotated = await reader.post(`/portal/subscriptions/${id}/rotate-key`, { overlap: '0s' });
    expect(rotated.status).toBe(303);
    expect(rotated.headers.get('location')).toBe(`/portal/subscriptions/${id}?done=rotated`);
    const page = await reader.get(`/portal/subscriptions/${id}?done=rotated`);
    expect(page.html).toContain('A new signing key signs from now on');
    expect(page.html).not.toMatch(/whsec_/);
    const after = keyIn((await reader.post(`/portal/subscriptions/${id}/reveal-key`)).html);
    expect(after).not.toBe(before);

    const badOverlap = await reader.post(`/portal/subscriptions/${id}/rotate-key`, { overlap: '8d' });
    expect(badOverlap.status).toBe(400);
    expect(badOverlap.html).toMatch(/<p id="overlap-error" class="error">overlap must be at most 7d<\/p>/);

    expect((await api.publish('portal.rotated', { n: 1 })).status).toBe(202);
    const [request] = await t.receiver.arrived('/portal-rotate');
    expect(new Webhook(after).verify(request.body, request.headers)).toMatchObject({ type: 'portal.rotated' });
    expect(() => new Webhook(before).verify(request.body, request.headers)).toThrow();
  });

  it('deletes once confirmed: by the script’s dialog (confirmed=yes), or else on a page that asks', async () => {
    const { id: environmentId, api } = await t.app.newEnvironment({ allowPrivateTargets: true });
    const reader = await signedInReader(t.app, environmentId);
    const url = t.receiver.url('/portal-delete');
    const id = await create(reader, { url });
    const page = await reader.get(`/portal/subscriptions/${id}`);
    expect(page.html).toMatch(
      new RegExp(`<form method="post" action="/portal/subscriptions/${id}/delete" class="inline" data-confirm="Delete the subscription to [^"]+">`),
    );

    const asked = await reader.post(`/portal/subscriptions/${id}/delete`);
    expect(asked.status).toBe(200);
    expect(asked.html).toContain('<h1>Delete subscription</h1>');
    expect(asked.html).toContain('<input type="hidden" name="confirmed" value="yes"/>');
    expect((await api.request('GET', `/webhooks/subscriptions/${id}`)).status).toBe(200);

    const deleted = await reader.post(`/portal/subscriptions/${id}/delete`, { confirmed: 'yes' });
    expect(deleted.status).toBe(303);
    expect(deleted.headers.get('location')).toBe('/portal/subscriptions?done=deleted');
    expect((await api.request('GET', `/webhooks/subscriptions/${id}`)).status).toBe(404);
    expect((await reader.get(`/portal/subscriptions/${id}`)).status).toBe(404);
    const list = await reader.get('/portal/subscriptions?done=deleted');
    expect(list.html).toContain('Deleted: its pending notifications were cancelled.');
    expect(list.html).not.toContain(url);
  });

  it('answers another environment’s subscription with a 404 page that shows nothing of it, on every route', async () => {
    const mine = await t.app.newEnvironment({ allowPrivateTargets: true });
    const theirs = await t.app.newEnvironment({ allowPrivateTargets: true });
    const theirUrl = t.receiver.url('/portal-theirs');
    const theirId = (await theirs.api.subscribe(theirUrl)).body.id as string;
    const reader = await signedInReader(t.app, mine.id);
    await reader.get('/portal/subscriptions');

    const answers = [
      await reader.get(`/portal/subscriptions/${theirId}`),
      await reader.post(`/portal/subscriptions/${theirId}`, { url: t.receiver.url('/portal-stolen') }),
      await reader.post(`/portal/subscriptions/${theirId}/pause`),
      await reader.post(`/portal/subscriptions/${theirId}/delete`),
      await reader.post(`/portal/subscriptions/${theirId}/delete`, { confirmed: 'yes' }),
      await reader.post(`/portal/subscriptions/${theirId}/rotate-key`, { overlap: '0s' }),
      await reader.post(`/portal/subscriptions/${theirId}/reveal-key`),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(404);
      expect(answer.html).toContain('<h1>Not found</h1>');
      expect(answer.html).not.toContain('/portal-theirs');
      expect(answer.html).not.toMatch(/whsec_/);
    }
    expect((await theirs.api.request('GET', `/webhooks/subscriptions/${theirId}`)).body).toMatchObject({ url: theirUrl, status: 'active' });
  });

  it('refuses every change with a forged CSRF token, changing nothing', async () => {
    const { id: environmentId, api } = await t.app.newEnvironment({ allowPrivateTargets: true });
    const reader = await signedInReader(t.app, environmentId);
    const url = t.receiver.url('/portal-csrf');
    const id = await create(reader, { url });
    await reader.get(`/portal/subscriptions/${id}`);
    const forged = { _csrf: 'forged' };
    const routes: [string, Record<string, string>][] = [
      ['/portal/subscriptions', { url: t.receiver.url('/portal-csrf-new') }],
      [`/portal/subscriptions/${id}`, { url: t.receiver.url('/portal-csrf-moved') }],
      [`/portal/subscriptions/${id}/pause`, {}],
      [`/portal/subscriptions/${id}/resume`, {}],
      [`/portal/subscriptions/${id}/delete`, { confirmed: 'yes' }],
      [`/portal/subscriptions/${id}/rotate-key`, { overlap: '0s' }],
      [`/portal/subscriptions/${id}/reveal-key`, {}],
    ];
    for (const [path, fields] of routes) {
      const answer = await reader.post(path, { ...fields, ...forged });
      expect({ path, status: answer.status }).toEqual({ path, status: 403 });
      expect(answer.html).not.toMatch(/whsec_/);
    }
    const list = await api.request('GET', '/webhooks/subscriptions');
    expect(list.body.items).toEqual([expect.objectContaining({ id, url, status: 'active' })]);
  });

  it('shows a URL with markup in its query as text, in the list and on its page', async () => {
    const { id: environmentId } = await t.app.newEnvironment({ allowPrivateTargets: true });
    const reader = await signedInReader(t.app, environmentId);
    const id = await create(reader, { url: `${t.receiver.url('/portal-markup')}?q="><script>alert(1)</script>&x='y'` });
    for (const path of ['/portal/subscriptions', `/portal/subscriptions/${id}`]) {
      const page = await reader.get(path);
      expect(page.status).toBe(200);
      expect(page.html).not.toContain('<script>alert');
      expect(page.html).not.toContain('"><script');
      // The URL parser encodes the quotes and brackets; the & that stays is escaped in the page.
      expect(page.html).toContain('/portal-markup?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E&amp;x=%27y%27');
    }
  });

  it('pages the list 100 at a time', async () => {
    const { id: environmentId, api } = await t.app.newEnvironment({ allowPrivateTargets: true });
    for (let batch = 0; batch < 101; batch += 20) {
      const urls = Array.from({ length: Math.min(20, 101 - batch) }, (_, i) => t.receiver.url(`/portal-page-${batch + i}`));
      await Promise.all(urls.map(async (url) => expect((await api.subscribe(url)).status).toBe(200)));
    }
    const reader = await signedInReader(t.app, environmentId);
    const first = await reader.get('/portal/subscriptions');
    expect(first.html.match(/<th scope="row">/g)).toHaveLength(100);
    const next = /<a href="(\/portal\/subscriptions\?after=sub_[A-Za-z0-9]+)">Next page<\/a>/.exec(first.html);
    expect(next).not.toBeNull();
    const second = await reader.get(next![1]);
    expect(second.html.match(/<th scope="row">/g)).toHaveLength(1);
    expect(second.html).not.toContain('Next page');
    expect(second.html).toContain('<a href="/portal/subscriptions">First page</a>');
  });
});
