import { Webhook } from 'standardwebhooks';
import { notificationStateQuery } from '../../../workflows';
import { useTestApp } from '../../support/test-app';
import { deliveredEvent } from '../../support/deliveries';

describe('subscribe → publish → signed HTTPS delivery (real API, Temporal, PostgreSQL)', () => {
  const t = useTestApp();

  it('delivers a notification the receiver can verify with standardwebhooks, and records the attempt', async () => {
    const { id: environment, api } = await t.app.newEnvironment();
    const url = t.receiver.url('/delivery');
    const subscribed = await api.subscribe(url);
    expect(subscribed.status).toBe(200);
    expect(subscribed.body).toEqual({
      id: expect.stringMatching(/^sub_/),
      url,
      signatureKey: expect.stringMatching(/^whsec_[A-Za-z0-9+/]+=*$/),
      eventTypes: [],
      rateLimit: null,
      maxInFlight: null,
      ordering: 'none',
      createdAt: expect.any(String),
    });

    const data = { invoice: 'in_123', amount: 4200, currency: 'EUR', lines: [{ sku: 'a', qty: 2 }], note: 'héllo ✓' };
    const published = await api.publish('invoice.paid', data);
    expect(published.status).toBe(202);
    expect(published.body).toEqual({ id: expect.stringMatching(/^evt_/), type: 'invoice.paid', createdAt: expect.any(String), notifications: 1 });

    const [request] = await t.receiver.arrived('/delivery');
    const verified = new Webhook(subscribed.body.signatureKey).verify(request.body, {
      'webhook-id': request.headers['webhook-id'],
      'webhook-timestamp': request.headers['webhook-timestamp'],
      'webhook-signature': request.headers['webhook-signature'],
    });
    expect(verified).toEqual({ id: published.body.id, type: 'invoice.paid', createdAt: published.body.createdAt, environment, data });
    expect(request.headers['content-type']).toBe('application/json');
    expect(() => new Webhook(Buffer.from('another key of 24 bytes!').toString('base64')).verify(request.body, request.headers)).toThrow();

    const event = await deliveredEvent(api, published.body.id);
    const notificationId = event.body.notifications[0].id as string;
    expect(request.headers['webhook-id']).toBe(notificationId);
    expect(event.body).toMatchObject({ id: published.body.id, type: 'invoice.paid', data });

    const notification = await api.request('GET', `/notifications/${notificationId}`);
    expect(notification.status).toBe(200);
    expect(notification.body).toMatchObject({ id: notificationId, status: 'succeeded', attemptCount: 1, nextAttemptAt: null });
    expect(notification.body.attempts).toEqual([
      expect.objectContaining({ number: 1, succeeded: true, statusCode: 200, error: null, responseBody: 'status 200' }),
    ]);
    const attempts = await api.request('GET', `/notifications/${notificationId}/attempts`);
    expect(attempts.body).toEqual(notification.body.attempts);
    // The attempt records the headers the receiver got, and they verify the body it got.
    const recorded = attempts.body[0].requestHeaders as Record<string, string>;
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature', 'content-type', 'user-agent'])
      expect(recorded[name]).toBe(request.headers[name]);
    expect(new Webhook(subscribed.body.signatureKey).verify(request.body, recorded)).toEqual(verified);

    // Operators see the same delivery in Temporal: one workflow per notification, its ID the notification ID.
    const handle = t.app.client.workflow.getHandle(notificationId);
    expect(await handle.result()).toMatchObject({ notificationId, status: 'succeeded' });
    expect(await handle.query(notificationStateQuery)).toMatchObject({ status: 'succeeded' });
    const description = await handle.describe();
    expect(description.typedSearchAttributes.getAll().map((pair) => [pair.key.name, pair.value])).toEqual(
      expect.arrayContaining([
        ['PludeEnvironment', environment],
        ['PludeEventType', 'invoice.paid'],
        ['PludeEvent', published.body.id],
      ]),
    );
  });

  it('starts one workflow per matching subscription and skips filtered-out ones', async () => {
    const { api } = await t.app.newEnvironment();
    await api.subscribe(t.receiver.url('/fanout-a'));
    await api.subscribe(t.receiver.url('/fanout-b'), ['order.created']);
    await api.subscribe(t.receiver.url('/fanout-c'), ['order.cancelled']);

    const published = await api.publish('order.created', { order: 7 });
    expect(published.body.notifications).toBe(2);
    await t.receiver.arrived((r) => r.path === '/fanout-a' || r.path === '/fanout-b', 2);
    const event = await deliveredEvent(api, published.body.id);
    expect(event.body.notifications).toHaveLength(2);
    expect(t.receiver.forPath('/fanout-c')).toHaveLength(0);
  });
});
