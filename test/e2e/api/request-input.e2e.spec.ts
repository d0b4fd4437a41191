import { type ApiClient } from '../../support/api-client';
import { useTestApp } from '../../support/test-app';

const utf8 = (text: string) => new TextEncoder().encode(text);

/** Data nested `levels` deep: 1 is `[0]`. */
const nestedData = (levels: number) => `{"d":${'['.repeat(levels - 1)}0${']'.repeat(levels - 1)}}`;

describe('request bodies: JSON only, nesting limit, request IDs', () => {
  const t = useTestApp();
  let api: ApiClient;
  /** A service token of api's environment, with the catalog scope: what declares event types. */
  let cataloguer: ApiClient;
  beforeAll(async () => {
    const environment = await t.app.newEnvironment();
    ({ api } = environment);
    cataloguer = await environment.service();
  });

  /** Every route that takes a body, each with a body it accepts when sent as JSON. */
  const routes = (): [string, string, string, ApiClient][] => [
    ['PUT', '/webhooks/subscribe', JSON.stringify({ url: t.receiver.url('/media') }), api],
    ['POST', '/events', JSON.stringify({ type: 'media.checked', data: { n: 1 } }), api],
    ['POST', '/admin/environments', JSON.stringify({ id: `media-${Date.now()}` }), t.app.admin],
  ];

  describe('415 for a body that is not application/json, on every route that takes one', () => {
    it.each([['text/plain'], ['application/x-www-form-urlencoded'], ['application/json; charset=latin1'], ['application/problem+json'], ['none']])(
      'Content-Type %s',
      async (contentType) => {
        for (const [method, path, body, client] of routes()) {
          // A Uint8Array body gets no Content-Type from fetch: the "none" case.
          const response = await client.send(method, path, utf8(body), contentType === 'none' ? {} : { 'content-type': contentType });
          expect([path, response.status]).toEqual([path, 415]);
          expect(JSON.parse(response.text)).toMatchObject({ error: 'unsupported_media_type', message: expect.stringMatching(/application\/json/) });
        }
      },
    );

    it('accepts application/json in any letter case, with a UTF-8 charset', async () => {
      for (const contentType of ['APPLICATION/JSON', 'application/json; charset=UTF-8', 'Application/Json;charset="utf-8"']) {
        const published = await api.send('POST', '/events', JSON.stringify({ type: 'media.ok', data: {} }), { 'content-type': contentType });
        expect([contentType, published.status]).toEqual([contentType, 202]);
      }
    });

    it('needs no Content-Type where there is no body: admin token issue', async () => {
      const { id } = await t.app.newEnvironment();
      const issued = await t.app.admin.send('POST', `/admin/environments/${id}/tokens`, undefined);
      expect(issued.status).toBe(201);
      expect(JSON.parse(issued.text).token).toMatch(/^pwh_/);
    });

    it('answers 400 to a route that takes a body but gets none (saying what is missing), or gets JSON that is not an object', async () => {
      for (const [method, path, , client] of routes()) {
        const none = await client.send(method, path, undefined, {});
        expect([path, none.status]).toEqual([path, 400]);
        expect(JSON.parse(none.text).message).toMatch(/\b(url|type|id)\b/);
        const array = await client.send(method, path, '[]', { 'content-type': 'application/json' });
        expect([path, array.status]).toEqual([path, 400]);
        expect(JSON.parse(array.text).message).toMatch(/JSON object/);
      }
    });

    it('answers 400 to a body that is not UTF-8', async () => {
      const body = Buffer.concat([Buffer.from('{"type":"a.b","data":{"s":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}}')]);
      const response = await api.send('POST', '/events', body, { 'content-type': 'application/json' });
      expect(response.status).toBe(400);
      expect(JSON.parse(response.text).message).toMatch(/UTF-8/);
    });
  });

  describe(`data nested at most 32 levels`, () => {
    const publish = (data: string) => api.send('POST', '/events', `{"type":"deep.data","data":${data}}`, { 'content-type': 'application/json' });

    it('accepts 32 levels and refuses 33, and 2,000, with a 400 that says why', async () => {
      const accepted = await publish(nestedData(32));
      expect(accepted.status).toBe(202);
      const stored = await api.request('GET', `/events/${JSON.parse(accepted.text).id}`);
      expect(JSON.stringify(stored.body.data)).toBe(nestedData(32));
      for (const levels of [33, 1000, 2000, 100_000]) {
        const refused = await publish(nestedData(levels));
        expect([levels, refused.status]).toEqual([levels, 400]);
        expect(JSON.parse(refused.text).message).toMatch(/nested deeper than 33 levels: data may be nested at most 32 levels/);
      }
    });

    it('counts brackets in the JSON, not inside strings', async () => {
      const data = JSON.stringify({ text: '[{'.repeat(100), quote: 'a"[\\', brackets: '}]'.repeat(100) });
      expect((await publish(data)).status).toBe(202);
    });

    it('applies the limit to every body: subscribe', async () => {
      const response = await api.send('PUT', '/webhooks/subscribe', `{"url":${'['.repeat(2000)}${']'.repeat(2000)}}`, { 'content-type': 'application/json' });
      expect(response.status).toBe(400);
    });
  });

  describe('line breaks and control characters in names (header injection)', () => {
    const names = ['a.b\r\nx-injected: 1', 'a\r\nb', 'a.b\n', 'a.b\r', 'a\tb', 'a.b\u0000', ' a.b', 'a.b '];

    it('refuses an event type with one at publish (400), and stores nothing', async () => {
      const { id: environment, api: publisher } = await t.app.newEnvironment();
      for (const type of names) {
        const refused = await publisher.publish(type, { n: 1 });
        expect([type, refused.status, refused.body.error, refused.body.message]).toEqual([
          type,
          400,
          'validation',
          expect.stringMatching(/^type must be 1-128 characters/),
        ]);
      }
      expect(await t.app.db.query(`SELECT id FROM events WHERE environment_id = $1`, [environment])).toEqual([]);
    });

    it('refuses one in PUT /event-types/:name (400) and in a subscription’s event types (400); DELETE finds no such type (404)', async () => {
      for (const name of names) {
        const path = `/event-types/${encodeURIComponent(name)}`;
        const declared = await cataloguer.request('PUT', path, { description: 'injected' });
        expect([name, declared.status, declared.body.message]).toEqual([name, 400, expect.stringMatching(/is not valid: event types are 1-128 characters/)]);
        expect([name, (await cataloguer.request('DELETE', path)).status]).toEqual([name, 404]);
        const subscribed = await api.subscribe(t.receiver.url('/typed'), [name]);
        expect([name, subscribed.status]).toEqual([name, 400]);
      }
      const catalog = await api.request('GET', '/webhooks/event-types');
      expect(catalog.body.items.map((item: { name: string }) => item.name).filter((name: string) => /[\s\u0000]/.test(name))).toEqual([]);
    });

    it('never puts anything the publisher sent in a header of the POST: a receiver gets our headers only', async () => {
      const { id: environment, api: publisher } = await t.app.newEnvironment();
      expect((await publisher.subscribe(t.receiver.url('/headers'))).status).toBe(200);
      const data = '{"s":"x\\r\\nx-injected: 1",\r\n"t":"\\u000d\\u000ax-injected: 2"}';
      const published = await publisher.send('POST', '/events', `{"type":"inj.checked","data":${data}}`, {
        'content-type': 'application/json',
        'idempotency-key': 'inj-1',
      });
      expect(published.status).toBe(202);
      const [request] = await t.receiver.arrived('/headers');
      expect(Object.keys(request.headers).sort()).toEqual([
        'connection',
        'content-length',
        'content-type',
        'host',
        'user-agent',
        'webhook-id',
        'webhook-signature',
        'webhook-timestamp',
      ]);
      expect(request.headers['webhook-id']).toMatch(/^ntf_[0-9A-Z]{26}$/);
      expect(request.body).toContain(`"environment":"${environment}","data":${data}}`);
    });
  });

  describe('X-Request-Id', () => {
    it('echoes a sane incoming ID, on success and on errors', async () => {
      const ok = await api.send('GET', '/health/live', undefined, { 'x-request-id': 'trace-42.a:b' });
      expect(ok.headers.get('x-request-id')).toBe('trace-42.a:b');
      const failed = await api.send('POST', '/events', 'nope', { 'content-type': 'text/plain', 'x-request-id': 'trace-43' });
      expect(failed.status).toBe(415);
      expect(failed.headers.get('x-request-id')).toBe('trace-43');
    });

    it('makes a new one when there is none, or when the incoming one is not sane', async () => {
      const ids = [];
      for (const incoming of [undefined, undefined, 'has spaces', 'x'.repeat(129), '"quoted"', 'é']) {
        const response = await api.send('GET', '/health/live', undefined, incoming === undefined ? {} : { 'x-request-id': incoming });
        ids.push(response.headers.get('x-request-id'));
      }
      for (const id of ids) expect(id).toMatch(/^req_[0-9A-Z]{26}$/);
      expect(new Set(ids).size).toBe(ids.length);
    });
  });
});
