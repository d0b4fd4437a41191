import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureSandbox, ensureServiceToken } from '../../../src/runtime/first-run';
import { ApiClient } from '../../support/api-client';
import { useTestApp } from '../../support/test-app';

const invoicePaid = {
  description: 'An invoice was paid.',
  schema: {
    type: 'object',
    properties: { invoice: { type: 'string', pattern: '^in_' }, amount: { type: 'integer', minimum: 0 } },
    required: ['invoice', 'amount'],
  },
  example: { invoice: 'in_1', amount: 100 },
};

const eventCount = async (db: { query: (sql: string, p: unknown[]) => Promise<{ count: number }[]> }, environmentId: string) =>
  (await db.query(`SELECT count(*)::int AS count FROM events WHERE environment_id = $1`, [environmentId]))[0].count;

/** One app and receiver for the file's tests (default settings); each test makes its own environment. */
const t = useTestApp();

/** A fresh environment, and as `api` a client of a service token of it with publish and catalog: what declares types. */
async function withCatalog() {
  const environment = await t.app.newEnvironment();
  return { ...environment, api: await environment.service() };
}

describe('the event catalog', () => {
  it('declares types, lists them sorted by name with description, schema and example, and keeps environments apart', async () => {
    const { api } = await withCatalog();
    const other = await t.app.newEnvironment();
    const declared = await api.request('PUT', '/event-types/invoice.paid', invoicePaid);
    expect(declared.status).toBe(200);
    expect(declared.body).toEqual({ name: 'invoice.paid', ...invoicePaid, archived: false, createdAt: expect.any(String), updatedAt: expect.any(String) });
    await api.request('PUT', '/event-types/account.created', { description: 'A new account.' });
    await api.request('PUT', '/event-types/Zebra.seen', { description: 'Upper case sorts first, byte by byte.' });

    const list = await api.request('GET', '/webhooks/event-types');
    expect(list.status).toBe(200);
    expect(list.body.items.map((item: { name: string }) => item.name)).toEqual(['Zebra.seen', 'account.created', 'invoice.paid']);
    expect(list.body.items[1]).toMatchObject({ schema: null, example: null, archived: false });
    // The schema reads back in the order it was written.
    expect(JSON.stringify(list.body.items[2].schema)).toBe(JSON.stringify(invoicePaid.schema));
    expect((await other.api.request('GET', '/webhooks/event-types')).body.items).toEqual([]);
  });

  it('refuses a bad name or schema (400) and an example that does not match its schema (422, with JSON pointers)', async () => {
    const { api } = await withCatalog();
    expect((await api.request('PUT', '/event-types/has%20space', { description: 'x' })).status).toBe(400);
    expect((await api.request('PUT', '/event-types/invoice.*', { description: 'x' })).status).toBe(400);
    expect((await api.request('PUT', '/event-types/a.b', {})).status).toBe(400);
    const badSchema = await api.request('PUT', '/event-types/a.b', { description: 'x', schema: { type: 'object', requird: ['a'] } });
    expect([badSchema.status, badSchema.body.message]).toEqual([400, expect.stringMatching(/requird/)]);
    const badExample = await api.request('PUT', '/event-types/a.b', { ...invoicePaid, example: { invoice: 'x', amount: 1.5 } });
    expect(badExample.status).toBe(422);
    expect(badExample.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ instancePath: '/invoice', keyword: 'pattern' }),
        expect.objectContaining({ instancePath: '/amount', keyword: 'type' }),
      ]),
    );
    expect((await api.request('GET', '/webhooks/event-types')).body.items).toEqual([]);
  });

  it('checks data at publish: a mismatch is a 422 listing every violation and stores nothing; undeclared types pass', async () => {
    const { id, api } = await withCatalog();
    await api.request('PUT', '/event-types/invoice.paid', invoicePaid);
    expect((await api.publish('invoice.paid', { invoice: 'in_2', amount: 5 })).status).toBe(202);
    const before = await eventCount(t.app.db, id);

    const refused = await api.publish('invoice.paid', { invoice: 'nope', amount: 'five', extra: true });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      error: 'unprocessable',
      message: expect.stringMatching(/^data of event type invoice\.paid does not match the schema: /),
    });
    expect(refused.body.errors.map((e: { instancePath: string }) => e.instancePath).sort()).toEqual(['/amount', '/invoice']);
    const missing = await api.publish('invoice.paid', { invoice: 'in_3' });
    expect(missing.body.errors).toEqual([expect.objectContaining({ instancePath: '', keyword: 'required', message: "must have required property 'amount'" })]);
    expect(await eventCount(t.app.db, id)).toBe(before);

    expect((await api.publish('not.declared', { anything: [1, 'two'] })).status).toBe(202);
  });

  it('a new declaration changes the schema at once (the compiled schema is cached by version)', async () => {
    const { api } = await withCatalog();
    await api.request('PUT', '/event-types/price.changed', { description: 'v1', schema: { type: 'object', properties: { price: { type: 'integer' } } } });
    expect((await api.publish('price.changed', { price: '12.50' })).status).toBe(422);
    expect((await api.publish('price.changed', { price: 12 })).status).toBe(202);
    await api.request('PUT', '/event-types/price.changed', { description: 'v2', schema: { type: 'object', properties: { price: { type: 'string' } } } });
    expect((await api.publish('price.changed', { price: '12.50' })).status).toBe(202);
    expect((await api.publish('price.changed', { price: 12 })).status).toBe(422);
    await api.request('PUT', '/event-types/price.changed', { description: 'v3, no schema' });
    expect((await api.publish('price.changed', { price: 12 })).status).toBe(202);
  });

  it('archives a type: still listed, publishing it is a 422; declaring it again brings it back', async () => {
    const { api } = await withCatalog();
    await api.request('PUT', '/event-types/order.shipped', { description: 'Shipped.' });
    expect((await api.request('DELETE', '/event-types/order.shipped')).status).toBe(204);
    expect((await api.request('DELETE', '/event-types/order.shipped')).status).toBe(204);
    expect((await api.request('DELETE', '/event-types/never.declared')).status).toBe(404);
    expect((await api.request('GET', '/webhooks/event-types')).body.items).toEqual([expect.objectContaining({ name: 'order.shipped', archived: true })]);
    const refused = await api.publish('order.shipped', { order: 1 });
    expect([refused.status, refused.body.message]).toEqual([422, expect.stringMatching(/archived/)]);
    await api.request('PUT', '/event-types/order.shipped', { description: 'Shipped, again.' });
    expect((await api.publish('order.shipped', { order: 1 })).status).toBe(202);
  });

  it('serves the catalog as an escaped HTML page to a client that asks for text/html', async () => {
    const { id, api } = await withCatalog();
    await api.request('PUT', '/event-types/invoice.paid', {
      description: '<script>alert("description")</script> & more',
      schema: { type: 'object', description: '</pre><img src=x onerror=alert(1)>' },
      example: { note: '<b>bold</b>', amount: 1 },
    });
    const page = await api.send('GET', '/webhooks/event-types', undefined, { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(page.headers.get('vary')).toMatch(/Accept/);
    expect(page.text).toContain('&lt;script&gt;alert(&quot;description&quot;)&lt;/script&gt; &amp; more');
    expect(page.text).toContain('&lt;/pre&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(page.text).toContain('&lt;b&gt;bold&lt;/b&gt;');
    expect(page.text).not.toMatch(/<script|<img|<b>/);
    // The example as a receiver gets it: the whole body.
    for (const field of ['"id": "evt_', '"type": "invoice.paid"', '"createdAt": "', `"environment": "${id}"`, '"data": {']) {
      expect(page.text).toContain(escapeQuotes(field));
    }
    const json = await api.send('GET', '/webhooks/event-types', undefined, { accept: '*/*' });
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('needs an API token allowed in the environment and a known X-version, like every route', async () => {
    const { id, token, api } = await withCatalog();
    const other = await t.app.newEnvironment();
    const anonymous = new ApiClient(t.app.api.url, { environment: id });
    expect((await anonymous.request('GET', '/webhooks/event-types')).status).toBe(401);
    expect((await anonymous.request('PUT', '/event-types/a.b', { description: 'x' })).status).toBe(401);
    expect((await api.as({ token, environment: other.id }).request('GET', '/webhooks/event-types')).status).toBe(403);
    expect((await api.as({ ...api.auth, environment: other.id }).request('GET', '/webhooks/event-types')).status).toBe(403);
    expect((await api.as({ ...api.auth, version: '2019-01' }).request('DELETE', '/event-types/a.b')).status).toBe(400);
  });
});

describe('wildcard subscriptions', () => {
  it('invoice.* matches invoice.paid and invoice.voided, not invoice itself; PATCH changes the filter', async () => {
    const { api } = await t.app.newEnvironment();
    const subscribed = await api.subscribe(t.receiver.url('/wildcard'), ['invoice.*', 'order.shipped']);
    expect(subscribed.body.eventTypes).toEqual(['invoice.*', 'order.shipped']);
    const counts = async (...types: string[]) => Promise.all(types.map(async (type) => (await api.publish(type, {})).body.notifications));
    expect(await counts('invoice.paid', 'invoice.voided', 'invoice.item.added', 'invoice', 'invoices.paid', 'order.shipped', 'order.paid')).toEqual([
      1, 1, 1, 0, 0, 1, 0,
    ]);

    const patched = await api.request('PATCH', `/webhooks/subscriptions/${subscribed.body.id}`, { eventTypes: ['order.*'] });
    expect(patched.body.eventTypes).toEqual(['order.*']);
    expect(await counts('invoice.paid', 'order.paid')).toEqual([0, 1]);
  });

  it.each([['*'], ['invoice*'], ['invoice.*.paid'], ['.*'], ['invoice..*']])('refuses the filter %s', async (filter) => {
    const { api } = await t.app.newEnvironment();
    const response = await api.subscribe(t.receiver.url('/bad-filter'), [filter]);
    expect([response.status, response.body.message]).toEqual([400, expect.stringMatching(/\.\*/)]);
  });
});

describe('the sandbox of a first start', () => {
  it('comes with two example types, and the README’s publish (with the service token) passes their schema', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'plude-sandbox-'));
    let prefix: string | undefined;
    let serviceTokenPrefix: string | undefined;
    try {
      const sandbox = await ensureSandbox(t.app.db, dataDir);
      prefix = sandbox.value.slice(0, 12);
      await ensureSandbox(t.app.db, dataDir); // again: nothing doubles
      const service = await ensureServiceToken(t.app.db, dataDir);
      serviceTokenPrefix = service.value.slice(0, 12);
      const api = new ApiClient(t.app.api.url, { token: sandbox.value, environment: sandbox.environmentId });
      const catalog = await api.request('GET', '/webhooks/event-types');
      expect(catalog.body.items.map((item: { name: string }) => item.name)).toEqual(expect.arrayContaining(['invoice.paid', 'invoice.voided']));
      const publisher = api.as({ token: service.value, environment: sandbox.environmentId });
      expect((await publisher.publish('invoice.paid', { invoice: 'in_42', amount: 4200 })).status).toBe(202);
      expect((await publisher.publish('invoice.paid', { invoice: 'in_42' })).status).toBe(422);
    } finally {
      // The suite shares one database: leave no live sandbox token behind for api-tokens.e2e.spec.ts to find.
      const tokens = await t.app.admin.request('GET', '/admin/environments/sandbox/tokens');
      const mine = (tokens.body as { id: string; prefix: string }[]).find((token) => token.prefix === prefix);
      if (mine) await t.app.admin.request('DELETE', `/admin/environments/sandbox/tokens/${mine.id}`);
      const services = await t.app.admin.request('GET', '/admin/tokens');
      const ours = (services.body as { id: string; prefix: string }[]).find((token) => token.prefix === serviceTokenPrefix);
      if (ours) await t.app.admin.request('DELETE', `/admin/tokens/${ours.id}`);
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

function escapeQuotes(text: string): string {
  return text.replace(/"/g, '&quot;');
}
