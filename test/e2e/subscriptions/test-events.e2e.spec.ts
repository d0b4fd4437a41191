import { Webhook } from 'standardwebhooks';
import type { ApiClient } from '../../support/api-client';
import { declareType, typePrefix } from '../../support/catalog';
import { publishDelivered } from '../../support/deliveries';
import { waitFor } from '../../support/wait';
import { useTestApp } from '../../support/test-app';

/** Issue 25: a test event, a chosen type's example, to one subscription, marked as a test in its POST and records. */
describe('POST /webhooks/subscriptions/:id/test', () => {
  const t = useTestApp();
  const prefix = typePrefix();
  const withExample = `${prefix}.invoice.paid`;
  const withoutExample = `${prefix}.invoice.voided`;
  const example = { invoice: 'in_42', amount: 4200, lines: [{ sku: 'b', qty: 2 }] };

  beforeAll(async () => {
    const schema = { type: 'object', required: ['invoice', 'amount'], properties: { invoice: { type: 'string' }, amount: { type: 'integer' } } };
    expect((await declareType(t.app.admin, withExample, { description: 'An invoice was paid', schema, example })).status).toBe(200);
    expect((await declareType(t.app.admin, withoutExample, { description: 'An invoice was voided' })).status).toBe(200);
  });

  const subscribe = async (api: ApiClient, path: string, eventTypes?: string[]) => {
    const answer = await api.subscribe(t.receiver.url(path), eventTypes);
    expect(answer.status).toBe(200);
    return { id: answer.body.id as string, key: answer.body.signatureKey as string };
  };

  it('delivers the example to that subscription alone, signed, with webhook-test: true, and the records say test', async () => {
    const { api } = await t.app.newEnvironment();
    // The chosen one subscribes to another type only: a test goes to it whatever its filter.
    const chosen = await subscribe(api, '/test-chosen', ['something.else']);
    const bystander = await subscribe(api, '/test-bystander');

    const sent = await api.request('POST', `/webhooks/subscriptions/${chosen.id}/test`, { type: withExample });
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ subscriptionId: chosen.id, type: withExample, test: true });
    const { eventId, notificationId } = sent.body as { eventId: string; notificationId: string };

    const [post] = await t.receiver.arrived((r) => r.path === '/test-chosen' && r.headers['webhook-id'] === notificationId);
    expect(post.headers['webhook-test']).toBe('true');
    expect(new Webhook(chosen.key).verify(post.body, post.headers)).toMatchObject({ id: eventId, type: withExample, data: example });
    expect(JSON.parse(post.body).data).toEqual(example);

    // Its one notification is the chosen subscription's: the bystander has none of it.
    const event = await api.request('GET', `/events/${eventId}`);
    expect(event.body).toMatchObject({ test: true, notifications: [{ id: notificationId, subscriptionId: chosen.id }] });
    const notification = await waitFor(
      () => api.request('GET', `/notifications/${notificationId}`),
      (r) => r.body.status === 'succeeded',
      { what: 'the test notification succeeded' },
    );
    expect(notification.body).toMatchObject({ test: true, attemptCount: 1 });
    const listed = await api.request('GET', `/notifications?subscriptionId=${chosen.id}`);
    expect(listed.body.items).toEqual([expect.objectContaining({ id: notificationId, eventId, eventType: withExample, test: true })]);
    expect((await api.request('GET', `/notifications?subscriptionId=${bystander.id}`)).body.items).toEqual([]);

    // An ordinary publish after it reaches the bystander, without the test header, and is not a test in the records.
    const ordinary = await publishDelivered(api, withExample, { invoice: 'in_43', amount: 1 });
    expect(ordinary.event.body.test).toBe(false);
    const bystanderPosts = t.receiver.forPath('/test-bystander');
    expect(bystanderPosts.map((r) => JSON.parse(r.body).id)).toEqual([ordinary.published.body.id]);
    expect(bystanderPosts[0].headers['webhook-test']).toBeUndefined();
    expect((await api.request('GET', `/notifications/${ordinary.notificationId}`)).body.test).toBe(false);
  });

  it('sends the data given instead of the example, byte for byte, checked against the schema', async () => {
    const { api } = await t.app.newEnvironment();
    const chosen = await subscribe(api, '/test-data');
    const text = `{"type":"${withExample}","data":{"amount":7,"invoice":"in_7","big":12345678901234567890}}`;
    const sent = await api.send('POST', `/webhooks/subscriptions/${chosen.id}/test`, text, { 'content-type': 'application/json' });
    expect(sent.status).toBe(202);
    const [post] = await t.receiver.arrived('/test-data');
    expect(post.body).toContain('"data":{"amount":7,"invoice":"in_7","big":12345678901234567890}');
    expect(post.headers['webhook-test']).toBe('true');

    const bad = await api.request('POST', `/webhooks/subscriptions/${chosen.id}/test`, { type: withExample, data: { invoice: 42 } });
    expect(bad.status).toBe(422);
  });

  it('refuses what it cannot send: no example (422), an unknown or another environment’s subscription (404), a paused one (409), no subscriptions scope (403)', async () => {
    const { api } = await t.app.newEnvironment();
    const chosen = await subscribe(api, '/test-refused');
    const noExample = await api.request('POST', `/webhooks/subscriptions/${chosen.id}/test`, { type: withoutExample });
    expect(noExample.status).toBe(422);
    expect(noExample.body.message).toMatch(/has no example/);
    const undeclared = await api.request('POST', `/webhooks/subscriptions/${chosen.id}/test`, { type: `${prefix}.never.declared` });
    expect(undeclared.status).toBe(422);
    expect(undeclared.body.message).toMatch(/not in the catalog/);
    expect((await api.request('POST', `/webhooks/subscriptions/${chosen.id}/test`, { type: 'bad type' })).status).toBe(400);
    expect((await api.request('POST', `/webhooks/subscriptions/${chosen.id}/test`, {})).status).toBe(400);

    expect((await api.request('POST', '/webhooks/subscriptions/sub_01KBZ7XQ8M3V5J2N4R6T8W0Y1A/test', { type: withExample })).status).toBe(404);
    const other = await t.app.newEnvironment();
    expect((await other.api.request('POST', `/webhooks/subscriptions/${chosen.id}/test`, { type: withExample })).status).toBe(404);

    expect((await api.request('PATCH', `/webhooks/subscriptions/${chosen.id}`, { status: 'paused' })).status).toBe(200);
    const paused = await api.request('POST', `/webhooks/subscriptions/${chosen.id}/test`, { type: withExample });
    expect(paused.status).toBe(409);
    expect(paused.body.message).toMatch(/is paused/);

    const publisher = await t.app.newEnvironment({ scopes: ['publish'] });
    expect((await publisher.api.request('POST', `/webhooks/subscriptions/${chosen.id}/test`, { type: withExample })).status).toBe(403);
    // Nothing of these refusals was stored.
    expect((await api.request('GET', '/notifications')).body.items).toEqual([]);
  });
});
