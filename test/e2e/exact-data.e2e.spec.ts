import { Webhook } from 'standardwebhooks';
import { waitFor } from '../support/api-client';
import { useTestApp } from '../support/test-app';

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

    const [request] = await waitFor(async () => t.receiver.forPath('/exact'), (requests) => requests.length >= 1);
    expect(request.body).toBe(`{"id":"${id}","type":"order.created","createdAt":"${createdAt}","environment":"${environment}","data":${DATA}}`);
    const verified = new Webhook(subscribed.body.signatureKey).verify(request.body, request.headers) as { data: Record<string, unknown> };
    expect(verified.data.nul).toBe('a\u0000b');

    const event = await api.send('GET', `/events/${id}`, undefined);
    expect(event.status).toBe(200);
    expect(event.headers.get('content-type')).toMatch(/^application\/json/);
    expect(event.text).toContain(`"data":${DATA},"notifications":[`);
    expect(JSON.parse(event.text)).toMatchObject({ id, type: 'order.created', createdAt, notifications: [expect.objectContaining({ status: expect.any(String) })] });
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
