import type { ApiClient } from '../../support/api-client';
import type { ReceivedRequest } from '../../support/https-receiver';
import { useTestApp } from '../../support/test-app';
import { waitFor } from '../../support/wait';

/** The most requests that arrived within one calendar second (by the receiver's clock). */
const peakPerSecond = (requests: ReceivedRequest[]) => {
  const counts = new Map<number, number>();
  for (const r of requests) counts.set(Math.floor(r.at / 1000), (counts.get(Math.floor(r.at / 1000)) ?? 0) + 1);
  return Math.max(0, ...counts.values());
};

/** Publishes `count` events at once; their IDs. */
const publishAll = async (api: ApiClient, count: number) => {
  const events = await Promise.all(Array.from({ length: count }, (_, n) => api.publish('order.paid', { n })));
  for (const event of events) expect(event.status).toBe(202);
  return events.map((event) => event.body.id as string);
};

/** Every event's one notification once it has succeeded: its attempt count. */
const attemptCounts = (api: ApiClient, eventIds: string[]) =>
  Promise.all(
    eventIds.map(async (id) => {
      const event = await waitFor(
        () => api.request('GET', `/events/${id}`),
        (r) => r.body.notifications?.length === 1,
      );
      const notification = await waitFor(
        () => api.request('GET', `/notifications/${event.body.notifications[0].id}`),
        (r) => r.body.status === 'succeeded',
        { timeoutMs: 30_000 },
      );
      return notification.body.attemptCount as number;
    }),
  );

describe("an environment's defaults for the delivery gate (issue 20)", () => {
  const t = useTestApp();

  it('the admin sets, shows and resets them; bad values get a clear 400', async () => {
    const env = await t.app.newEnvironment();
    const path = `/admin/environments/${env.id}`;
    expect((await t.app.admin.request('GET', path)).body).toMatchObject({ defaultRateLimit: null, defaultMaxInFlight: null });
    const set = await t.app.admin.request('PATCH', path, { defaultRateLimit: 2.5, defaultMaxInFlight: 3 });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ id: env.id, defaultRateLimit: 2.5, defaultMaxInFlight: 3 });
    // Another setting alone leaves them as they are.
    expect((await t.app.admin.request('PATCH', path, { allowPrivateTargets: true })).body).toMatchObject({ defaultRateLimit: 2.5, defaultMaxInFlight: 3 });
    for (const [body, message] of [
      [{ defaultRateLimit: -1 }, /defaultRateLimit must be deliveries a second/],
      [{ defaultRateLimit: 'fast' }, /defaultRateLimit must be deliveries a second/],
      [{ defaultMaxInFlight: 1.5 }, /defaultMaxInFlight must be a whole number/],
    ] as const) {
      const refused = await t.app.admin.request('PATCH', path, body);
      expect(refused.status).toBe(400);
      expect(JSON.stringify(refused.body)).toMatch(message);
    }
    const reset = await t.app.admin.request('PATCH', path, { defaultRateLimit: null, defaultMaxInFlight: null });
    expect(reset.body).toMatchObject({ defaultRateLimit: null, defaultMaxInFlight: null });
    expect((await t.app.admin.request('GET', path)).body).toMatchObject({ defaultRateLimit: null, defaultMaxInFlight: null });
  });

  it("the environment's defaultRateLimit paces a subscription without a rateLimit of its own", async () => {
    const { id, api } = await t.app.newEnvironment();
    await t.app.admin.request('PATCH', `/admin/environments/${id}`, { defaultRateLimit: 2 });
    const { body } = await api.request('PUT', '/webhooks/subscribe', { url: t.receiver.url('/env-default') });
    expect(body.rateLimit).toBeNull(); // its own: none, so its environment's applies
    const events = await publishAll(api, 8);
    const arrived = await t.receiver.arrived('/env-default', 8, { timeoutMs: 30_000 });
    expect(peakPerSecond(arrived)).toBeLessThanOrEqual(2);
    // Waiting at the gate used no attempt.
    expect(await attemptCounts(api, events)).toEqual(Array(8).fill(1));
  });

  it("a subscription's own rateLimit overrides its environment's default (0: no limit)", async () => {
    const { id, api } = await t.app.newEnvironment();
    await t.app.admin.request('PATCH', `/admin/environments/${id}`, { defaultRateLimit: 2 });
    const { body } = await api.request('PUT', '/webhooks/subscribe', { url: t.receiver.url('/own-rate'), rateLimit: 0 });
    expect(body.rateLimit).toBe(0);
    const events = await publishAll(api, 10);
    const arrived = await t.receiver.arrived('/own-rate', 10, { timeoutMs: 30_000 });
    // At the environment's 2 a second, no second would see more than 2.
    expect(peakPerSecond(arrived)).toBeGreaterThan(2);
    expect(await attemptCounts(api, events)).toEqual(Array(10).fill(1));
  });
});
