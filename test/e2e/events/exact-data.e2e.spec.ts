import { Webhook } from 'standardwebhooks';
import { useTestApp } from '../../support/test-app';

/**
 * Receivers get `data` exactly as published. The integer-like key "1" would move to the front of any JS object and
 * 12345678901234567890 would lose digits as a JS number, so any re-serialisation on the way fails these tests.
 */
const PUBLISHED = String.raw`{"type":"order.created","data":{"orderId":"o-1","total":12.5,"note":"héllo ✓","nested":{"a":[1,2,3]},"big":12345678901234567890,"nul":"a\u0000b","b":1,"1":2}}`;
const DATA = String.raw`{"orderId":"o-1","total":12.5,"note":"héllo ✓","nested":{"a":[1,2,3]},"big":12345678901234567890,"nul":"a\u0000b","b":1,"1":2}`;

describe('the receiver gets exactly what was published', () => {
  const t = useTestApp();

  it('delivers data byte for byte inside a body whose signature verifies, and GET /events/:id returns the same text', async () => {
    const { id: environment, api } = await t.app.newEnvironment();
    const subscribed = await api.subscribe(t.receiver.url('/exact'));
    const published = await api.request('POST', '/events', PUBLISHED);
    expect(published.status).toBe(202);
    const { id, createdAt } = published.body;

    const [request] = await t.receiver.arrived('/exact');
    expect(request.body).toBe(`{"id":"${id}","type":"order.created","createdAt":"${createdAt}","environment":"${environment}","data":${DATA}}`);
    const verified = new Webhook(subscribed.body.signatureKey).verify(request.body, request.headers) as { data: Record<string, unknown> };
    expect(verified.data.nul).toBe('a\u0000b');

    const event = await api.send('GET', `/events/${id}`, undefined);
    expect(event.status).toBe(200);
    expect(event.headers.get('content-type')).toMatch(/^application\/json/);
    expect(event.text).toContain(`"data":${DATA},"notifications":[`);
    expect(JSON.parse(event.text)).toMatchObject({
      id,
      type: 'order.created',
      createdAt,
      notifications: [expect.objectContaining({ status: expect.any(String) })],
    });
  });

  it('keeps whitespace, escapes and lone surrogate escapes inside data as they were sent', async () => {
    const { api } = await t.app.newEnvironment();
    const data = String.raw`{ "x" : [ 1 , 2.50 , -0, 1E+2 ] ,
      "esc" : "\u00e9\ud800\"\\\/", "\u0041": null }`;
    const published = await api.request('POST', '/events', `{ "data" : ${data} , "type" : "a.b" }`);
    expect(published.status).toBe(202);
    const event = await api.send('GET', `/events/${published.body.id}`, undefined);
    expect(event.text).toContain(`"data":${data},`);
  });

  it('keeps "__proto__" and "constructor" keys as data, byte for byte, and nothing in the process is polluted', async () => {
    const testEnvironment = await t.app.newEnvironment();
    const { id: environment, api } = testEnvironment;
    await api.subscribe(t.receiver.url('/proto'));
    const data = '{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}},"nested":[{"__proto__":{"deep":1}}]}';
    // Declared with a schema, so the data is also parsed and checked on the way in.
    const declared = await (
      await testEnvironment.service()
    ).request(
      'PUT',
      '/event-types/proto.checked',
      '{"description":"keys special to JavaScript","schema":{"type":"object","required":["__proto__","constructor"],"properties":{"__proto__":{"type":"object","required":["polluted"]}}}}',
    );
    expect(declared.status).toBe(200);
    expect(Object.keys(declared.body.schema.properties)).toEqual(['__proto__']);
    const published = await api.request('POST', '/events', `{"type":"proto.checked","data":${data}}`);
    expect(published.status).toBe(202);

    const [request] = await t.receiver.arrived('/proto');
    expect(request.body).toBe(
      `{"id":"${published.body.id}","type":"proto.checked","createdAt":"${published.body.createdAt}","environment":"${environment}","data":${data}}`,
    );
    const event = await api.send('GET', `/events/${published.body.id}`, undefined);
    expect(event.text).toContain(`"data":${data},`);
    const parsed = JSON.parse(event.text) as { data: object };
    expect(Object.keys(parsed.data)).toEqual(['__proto__', 'constructor', 'nested']);
    expect(Object.getOwnPropertyDescriptor(parsed.data, '__proto__')?.value).toEqual({ polluted: true });

    // The API runs in this process: its prototypes are this test's.
    const probe: Record<string, unknown> = {};
    expect([probe.polluted, probe.x, probe.deep, (Object.prototype as Record<string, unknown>).polluted]).toEqual([undefined, undefined, undefined, undefined]);
    expect(Object.getPrototypeOf(parsed.data)).toBe(Object.prototype);
    // The schema sees the keys as data: without its own "__proto__" (every object inherits one), data misses it.
    const mismatched = await api.request('POST', '/events', '{"type":"proto.checked","data":{"constructor":{}}}');
    expect([mismatched.status, mismatched.body.errors]).toEqual([
      422,
      [{ instancePath: '', keyword: 'required', message: "must have required property '__proto__'" }],
    ]);
  });

  it.each([
    ['POST', '/events', '{"type":"a.b","data":{},"__proto__":{"polluted":true}}', '__proto__'],
    ['POST', '/events', '{"type":"a.b","data":{},"constructor":{"prototype":{"polluted":true}}}', 'constructor'],
    ['PUT', '/webhooks/subscribe', '{"url":"https://example.com/","prototype":{}}', 'prototype'],
  ])('refuses %s %s with a "%s" property of its own (400), like any property the route does not take', async (method, path, body, key) => {
    const { api } = await t.app.newEnvironment();
    const refused = await api.request(method, path, body.replace('https://example.com/', t.receiver.url('/special')));
    expect([refused.status, refused.body.message]).toEqual([400, `property ${key} should not exist`]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['a key twice in data', '{"type":"a.b","data":{"a":1,"a":2}}', /data has the key "a" more than once/],
    ['a key twice, once escaped', String.raw`{"type":"a.b","data":{"a":1,"\u0061":2}}`, /data has the key "a"/],
    ['a key twice deep inside data', '{"type":"a.b","data":{"list":[{"k":1},{"k":1,"k":2}]}}', /data\.list\[1\] has the key "k"/],
    ['data twice', '{"type":"a.b","data":{"a":1},"data":{"b":2}}', /request body has the key "data"/],
  ])('refuses %s (400): receivers would disagree on which one counts', async (_, body, message) => {
    const { api } = await t.app.newEnvironment();
    const response = await api.request('POST', '/events', body);
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(message);
  });
});
