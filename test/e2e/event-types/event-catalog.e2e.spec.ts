import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OPERATIONAL_EVENT_TYPES } from '../../../src/domain/operational-events';
import { ensureSampleEventTypes, ensureServiceToken } from '../../../src/runtime/first-run';
import { ApiClient } from '../../support/api-client';
import { declareType, ownTypes, typePrefix } from '../../support/catalog';
import { createScratchDatabase, suiteAdminUrl } from '../../support/scratch-database';
import { startTestApp, useTestApp } from '../../support/test-app';

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

/** One app and receiver for the file's tests (default settings); each test makes its own environments and type names. */
const t = useTestApp();
const names = (items: { name: string }[], prefix: string) => ownTypes(items, prefix).map((item) => item.name);

describe('the platform’s event catalog', () => {
  it('is declared with the admin token and is the same for every environment: sorted by name, with description, schema and example', async () => {
    const ns = typePrefix();
    const [one, two] = [await t.app.newEnvironment(), await t.app.newEnvironment()];
    const declared = await declareType(t.app.admin, `${ns}.invoice.paid`, invoicePaid);
    expect(declared.status).toBe(200);
    expect(declared.body).toEqual({
      name: `${ns}.invoice.paid`,
      ...invoicePaid,
      archived: false,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    await declareType(t.app.admin, `${ns}.account.created`, { description: 'A new account.' });
    await declareType(t.app.admin, `${ns}.Zebra.seen`, { description: 'Upper case sorts first, byte by byte.' });

    const [seenByOne, seenByTwo] = [await one.api.request('GET', '/webhooks/event-types'), await two.api.request('GET', '/webhooks/event-types')];
    expect([seenByOne.status, seenByTwo.status]).toEqual([200, 200]);
    const mine = ownTypes(seenByOne.body.items as { name: string; schema: unknown }[], ns);
    expect(mine.map((item) => item.name)).toEqual([`${ns}.Zebra.seen`, `${ns}.account.created`, `${ns}.invoice.paid`]);
    expect(mine[1]).toMatchObject({ schema: null, example: null, archived: false });
    // The schema reads back in the order it was written.
    expect(JSON.stringify(mine[2].schema)).toBe(JSON.stringify(invoicePaid.schema));
    expect(ownTypes(seenByTwo.body.items as { name: string }[], ns)).toEqual(mine);
  });

  it('refuses a bad name or schema (400) and an example that does not match its schema (422, with JSON pointers)', async () => {
    const ns = typePrefix();
    const { api } = await t.app.newEnvironment();
    const admin = t.app.admin;
    expect((await admin.request('PUT', '/event-types/has%20space', { description: 'x' })).status).toBe(400);
    expect((await admin.request('PUT', '/event-types/invoice.*', { description: 'x' })).status).toBe(400);
    expect((await declareType(admin, `${ns}.a.b`, {})).status).toBe(400);
    const badSchema = await declareType(admin, `${ns}.a.b`, { description: 'x', schema: { type: 'object', requird: ['a'] } });
    expect([badSchema.status, badSchema.body.message]).toEqual([400, expect.stringMatching(/requird/)]);
    const badExample = await declareType(admin, `${ns}.a.b`, { ...invoicePaid, example: { invoice: 'x', amount: 1.5 } });
    expect(badExample.status).toBe(422);
    expect(badExample.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ instancePath: '/invoice', keyword: 'pattern' }),
        expect.objectContaining({ instancePath: '/amount', keyword: 'type' }),
      ]),
    );
    expect(names((await api.request('GET', '/webhooks/event-types')).body.items, ns)).toEqual([]);
  });

  it('checks publishes of every environment against a type declared once: a mismatch is a 422 listing every violation and stores nothing; undeclared types pass', async () => {
    const type = `${typePrefix()}.invoice.paid`;
    const [one, two] = [await t.app.newEnvironment(), await t.app.newEnvironment()];
    await declareType(t.app.admin, type, invoicePaid);
    expect((await one.api.publish(type, { invoice: 'in_2', amount: 5 })).status).toBe(202);
    expect((await two.api.publish(type, { invoice: 'in_3', amount: 6 })).status).toBe(202);
    const before = await eventCount(t.app.db, two.id);

    const refused = await two.api.publish(type, { invoice: 'nope', amount: 'five', extra: true });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      error: 'unprocessable',
      message: expect.stringContaining(`data of event type ${type} does not match the schema: `),
    });
    expect(refused.body.message.startsWith(`data of event type ${type} `)).toBe(true);
    expect(refused.body.errors.map((e: { instancePath: string }) => e.instancePath).sort()).toEqual(['/amount', '/invoice']);
    const missing = await one.api.publish(type, { invoice: 'in_3' });
    expect(missing.body.errors).toEqual([expect.objectContaining({ instancePath: '', keyword: 'required', message: "must have required property 'amount'" })]);
    expect(await eventCount(t.app.db, two.id)).toBe(before);

    expect((await one.api.publish(`${type}.not.declared`, { anything: [1, 'two'] })).status).toBe(202);
  });

  it('a new declaration changes the schema at once in every environment (the compiled schema is cached by version)', async () => {
    const type = `${typePrefix()}.price.changed`;
    const [one, two] = [await t.app.newEnvironment(), await t.app.newEnvironment()];
    await declareType(t.app.admin, type, { description: 'v1', schema: { type: 'object', properties: { price: { type: 'integer' } } } });
    expect((await one.api.publish(type, { price: '12.50' })).status).toBe(422);
    expect((await two.api.publish(type, { price: 12 })).status).toBe(202);
    await declareType(t.app.admin, type, { description: 'v2', schema: { type: 'object', properties: { price: { type: 'string' } } } });
    expect((await one.api.publish(type, { price: '12.50' })).status).toBe(202);
    expect((await two.api.publish(type, { price: 12 })).status).toBe(422);
    await declareType(t.app.admin, type, { description: 'v3, no schema' });
    expect((await one.api.publish(type, { price: 12 })).status).toBe(202);
  });

  it('archives a type for every environment: still listed, publishing it is a 422; declaring it again brings it back', async () => {
    const ns = typePrefix();
    const type = `${ns}.order.shipped`;
    const [one, two] = [await t.app.newEnvironment(), await t.app.newEnvironment()];
    await declareType(t.app.admin, type, { description: 'Shipped.' });
    expect((await t.app.admin.request('DELETE', `/event-types/${type}`)).status).toBe(204);
    expect((await t.app.admin.request('DELETE', `/event-types/${type}`)).status).toBe(204);
    expect((await t.app.admin.request('DELETE', `/event-types/${ns}.never.declared`)).status).toBe(404);
    expect(ownTypes((await two.api.request('GET', '/webhooks/event-types')).body.items, ns)).toEqual([expect.objectContaining({ name: type, archived: true })]);
    for (const { api } of [one, two]) {
      const refused = await api.publish(type, { order: 1 });
      expect([refused.status, refused.body.message]).toEqual([422, expect.stringMatching(/archived/)]);
    }
    await declareType(t.app.admin, type, { description: 'Shipped, again.' });
    expect((await one.api.publish(type, { order: 1 })).status).toBe(202);
    expect((await two.api.publish(type, { order: 2 })).status).toBe(202);
  });

  it('serves the platform’s catalog as an escaped HTML page to every environment’s client that asks for text/html', async () => {
    const ns = typePrefix();
    const [one, two] = [await t.app.newEnvironment(), await t.app.newEnvironment()];
    await declareType(t.app.admin, `${ns}.invoice.paid`, {
      description: '<script>alert("description")</script> & more',
      schema: { type: 'object', description: '</pre><img src=x onerror=alert(1)>' },
      example: { note: '<b>bold</b>', amount: 1 },
    });
    await declareType(t.app.admin, `${ns}.order.shipped`, { description: 'Shipped.' });
    for (const { id, api } of [one, two]) {
      const page = await api.send('GET', '/webhooks/event-types', undefined, { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
      expect(page.headers.get('vary')).toMatch(/Accept/);
      expect(page.text).toContain('<h1>Event types</h1>');
      expect(page.text).toContain(`<section id="${ns}.invoice.paid">`);
      expect(page.text).toContain(`<section id="${ns}.order.shipped">`);
      expect(page.text).toContain('&lt;script&gt;alert(&quot;description&quot;)&lt;/script&gt; &amp; more');
      expect(page.text).toContain('&lt;/pre&gt;&lt;img src=x onerror=alert(1)&gt;');
      expect(page.text).toContain('&lt;b&gt;bold&lt;/b&gt;');
      expect(page.text).not.toMatch(/<script|<img|<b>/);
      // The example as a receiver of the reader's environment gets it: the whole body.
      for (const field of ['"id": "evt_', `"type": "${ns}.invoice.paid"`, '"createdAt": "', `"environment": "${id}"`, '"data": {']) {
        expect(page.text).toContain(escapeQuotes(field));
      }
    }
    const json = await one.api.send('GET', '/webhooks/event-types', undefined, { accept: '*/*' });
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('refuses a declaration or an archiving with an environment’s token (403 naming the catalog scope) or none (401), and changes nothing', async () => {
    const ns = typePrefix();
    const type = `${ns}.kept.as.declared`;
    const { id, api } = await t.app.newEnvironment();
    await declareType(t.app.admin, type, { description: 'Declared by the platform.' });
    const declared = await declareType(api, type, { description: 'Rewritten by an integrator.' });
    expect([declared.status, declared.body.message]).toEqual([403, expect.stringMatching(/lacks the catalog scope, which PUT \/event-types\/:name requires/)]);
    expect((await declareType(api, `${ns}.new`, { description: 'x' })).status).toBe(403);
    expect((await api.request('DELETE', `/event-types/${type}`)).status).toBe(403);
    expect((await new ApiClient(t.app.api.url, { environment: id }).request('PUT', `/event-types/${type}`, { description: 'x' })).status).toBe(401);
    const publisher = await t.app.admin.request('POST', '/admin/tokens', { name: `${ns}-publisher`, scopes: ['publish'] });
    const publishOnly = new ApiClient(t.app.api.url, { token: publisher.body.token });
    expect((await declareType(publishOnly, type, { description: 'x' })).status).toBe(403);
    expect(ownTypes((await api.request('GET', '/webhooks/event-types')).body.items, ns)).toEqual([
      expect.objectContaining({ name: type, description: 'Declared by the platform.', archived: false }),
    ]);
  });

  it('is declared by a service token with the catalog scope, with no X-environment: the catalog belongs to no environment', async () => {
    const ns = typePrefix();
    const issued = await t.app.admin.request('POST', '/admin/tokens', { name: `${ns}-catalog`, scopes: ['catalog'] });
    expect(issued.status).toBe(201);
    const cataloguer = new ApiClient(t.app.api.url, { token: issued.body.token });
    expect((await declareType(cataloguer, `${ns}.invoice.paid`, invoicePaid)).status).toBe(200);
    const { api } = await t.app.newEnvironment();
    expect(ownTypes((await api.request('GET', '/webhooks/event-types')).body.items, ns)).toEqual([expect.objectContaining({ name: `${ns}.invoice.paid` })]);
    expect((await cataloguer.request('DELETE', `/event-types/${ns}.invoice.paid`)).status).toBe(204);
  });

  it('is read with an API token of the environment named and a known X-version, like every route', async () => {
    const { id, token, api } = await t.app.newEnvironment();
    const other = await t.app.newEnvironment();
    const anonymous = new ApiClient(t.app.api.url, { environment: id });
    expect((await anonymous.request('GET', '/webhooks/event-types')).status).toBe(401);
    expect((await api.as({ token, environment: other.id }).request('GET', '/webhooks/event-types')).status).toBe(403);
    expect((await api.as({ token, environment: id, version: '2019-01' }).request('GET', '/webhooks/event-types')).status).toBe(400);
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

describe('the example types of a first start', () => {
  it('are platform types: every environment sees them, and the README’s publish passes their schema in each; a second start changes nothing', async () => {
    // A database of its own: these types judge every publish of invoice.paid, which other test files make freely.
    const scratch = await createScratchDatabase(suiteAdminUrl(), 'plude_sample_types');
    const app = await startTestApp({ DATABASE_URL: scratch.url, NODE_EXTRA_CA_CERTS: t.receiver.caFile });
    const dataDir = await mkdtemp(path.join(tmpdir(), 'plude-sample-types-'));
    try {
      await ensureSampleEventTypes(app.db);
      await app.admin.request('PUT', '/event-types/invoice.voided', { description: 'Changed by the operator.' });
      await ensureSampleEventTypes(app.db); // again: nothing doubles, and the operator's change stays
      // The first run's service token (publish and catalog, every environment) publishes README's example in each.
      const service = await ensureServiceToken(app.db, dataDir);
      for (const { id, api } of [await app.newEnvironment(), await app.newEnvironment({ id: 'sandbox' })]) {
        const catalog = await api.request('GET', '/webhooks/event-types');
        // Besides the operational types, which every deployment has (test/e2e/operational-webhooks).
        const operational = new Set<string>(OPERATIONAL_EVENT_TYPES);
        expect((catalog.body.items as { name: string }[]).filter((item) => !operational.has(item.name))).toEqual([
          expect.objectContaining({ name: 'invoice.paid', archived: false }),
          expect.objectContaining({ name: 'invoice.voided', description: 'Changed by the operator.', schema: null }),
        ]);
        const publisher = api.as({ token: service.value, environment: id });
        expect((await publisher.publish('invoice.paid', { invoice: 'in_42', amount: 4200 })).status).toBe(202);
        expect((await publisher.publish('invoice.paid', { invoice: 'in_42' })).status).toBe(422);
      }
    } finally {
      await app.close();
      await scratch.drop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

function escapeQuotes(text: string): string {
  return text.replace(/"/g, '&quot;');
}
