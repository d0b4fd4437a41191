import type { ApiClient } from '../../support/api-client';
import type { ReceivedRequest } from '../../support/https-receiver';
import { useTestApp } from '../../support/test-app';
import { waitFor } from '../../support/wait';
import { workflowStateOf } from '../../support/workflows';

/** The most requests that arrived within one calendar second (by the receiver's clock). */
const peakPerSecond = (requests: ReceivedRequest[]) => {
  const counts = new Map<number, number>();
  for (const r of requests) counts.set(Math.floor(r.at / 1000), (counts.get(Math.floor(r.at / 1000)) ?? 0) + 1);
  const peak = Math.max(0, ...counts.values());
  // What a failure needs to be understood: the arrivals, in ms from the first.
  if (peak > 0) process.stdout.write(`arrivals (ms): ${requests.map((r) => r.at - requests[0].at).join(' ')}\n`);
  return peak;
};

const publishMany = async (api: ApiClient, count: number, path: string) => {
  const ids: string[] = [];
  // A few at a time: the publishes themselves are not what is measured.
  for (let i = 0; i < count; i += 10) {
    const batch = await Promise.all(Array.from({ length: Math.min(10, count - i) }, (_, j) => api.publish('order.paid', { n: i + j, path })));
    for (const event of batch) {
      expect(event.status).toBe(202);
      ids.push(event.body.id as string);
    }
  }
  return ids;
};

/** The notification of each event (one subscription each), once stored. */
const notificationsOf = (api: ApiClient, eventIds: string[]) =>
  Promise.all(
    eventIds.map(
      async (id) =>
        (
          await waitFor(
            () => api.request('GET', `/events/${id}`),
            (r) => r.body.notifications?.length === 1,
          )
        ).body.notifications[0].id as string,
    ),
  );

/** Each notification once it has succeeded: its status and attempt count. */
const allSucceeded = async (api: ApiClient, eventIds: string[]) => {
  const found: { status: string; attemptCount: number }[] = [];
  for (const id of await notificationsOf(api, eventIds)) {
    const r = await waitFor(
      () => api.request('GET', `/notifications/${id}`),
      (answer) => answer.body.status === 'succeeded',
      { timeoutMs: 30_000 },
    );
    found.push(r.body);
  }
  return found;
};

describe('the delivery gate: rate limits, the circuit breaker, paced releases (issue 20)', () => {
  /** `/retry-after`: the first request gets 503 with Retry-After: 3. `/probe`: 500 three times, then a slow 204. */
  let probeCalls = 0;
  let retryAfterCalls = 0;
  const t = useTestApp({
    responder: (_, request) => {
      if (request.path.startsWith('/retry-after')) return retryAfterCalls++ === 0 ? { status: 503, headers: { 'retry-after': '3' } } : 204;
      if (request.path.startsWith('/probe')) {
        const n = probeCalls++;
        if (n < 3) return 500;
        return n === 3 ? { status: 204, delayMs: 1_500 } : 204;
      }
      return 204;
    },
    env: { BREAKER_FAILURE_THRESHOLD: '3', BREAKER_OPEN_FOR: '2s', RETRY_INITIAL_INTERVAL: '200ms', RETRY_MAX_INTERVAL: '500ms', RELEASE_RATE: '50' },
  });

  it('rateLimit and maxInFlight are set at subscribe and by PATCH, shown on GET, and bad values get a clear 400', async () => {
    const { api } = await t.app.newEnvironment();
    const subscribed = await api.request('PUT', '/webhooks/subscribe', { url: t.receiver.url('/settings'), rateLimit: 2.5, maxInFlight: 3 });
    expect(subscribed.status).toBe(200);
    expect(subscribed.body).toMatchObject({ rateLimit: 2.5, maxInFlight: 3 });
    const id = subscribed.body.id as string;
    const got = await api.request('GET', `/webhooks/subscriptions/${id}`);
    expect(got.body).toMatchObject({ rateLimit: 2.5, maxInFlight: 3, breaker: { state: 'closed', until: null, consecutiveFailures: 0 } });
    const reset = await api.request('PATCH', `/webhooks/subscriptions/${id}`, { rateLimit: null, maxInFlight: 0 });
    expect(reset.body).toMatchObject({ rateLimit: null, maxInFlight: 0 });
    for (const [body, message] of [
      [{ rateLimit: -1 }, /rateLimit must be deliveries a second/],
      [{ rateLimit: 'fast' }, /rateLimit must be deliveries a second/],
      [{ maxInFlight: 1.5 }, /maxInFlight must be a whole number/],
    ] as const) {
      const refused = await api.request('PATCH', `/webhooks/subscriptions/${id}`, body);
      expect(refused.status).toBe(400);
      expect(JSON.stringify(refused.body)).toMatch(message);
    }
  });

  it('rateLimit 5: 40 notifications arrive at no more than 5 in any second, all delivered, with no attempt used to wait', async () => {
    const { api } = await t.app.newEnvironment();
    const { body } = await api.request('PUT', '/webhooks/subscribe', { url: t.receiver.url('/rate5'), rateLimit: 5 });
    expect(body.rateLimit).toBe(5);
    const events = await publishMany(api, 40, 'rate5');
    const arrived = await t.receiver.arrived('/rate5', 40, { timeoutMs: 60_000 });
    expect(arrived).toHaveLength(40);
    expect(peakPerSecond(arrived)).toBeLessThanOrEqual(5);
    for (const n of await allSucceeded(api, events)) expect(n.attemptCount).toBe(1);
  });

  it('a 503 with Retry-After: 3 holds the subscription’s other notifications for those 3 s, then they all arrive', async () => {
    const { api } = await t.app.newEnvironment();
    const { body } = await api.subscribe(t.receiver.url('/retry-after'));
    const first = await api.publish('order.paid', { first: true });
    const [refused] = await t.receiver.arrived('/retry-after', 1);
    const open = await waitFor(
      () => api.request('GET', `/webhooks/subscriptions/${body.id}`),
      (r) => r.body.breaker.state === 'open',
    );
    expect(Date.parse(open.body.breaker.until)).toBeGreaterThan(refused.at + 2_500);
    const held = await publishMany(api, 5, 'retry-after');
    const all = await t.receiver.arrived('/retry-after', 6, { timeoutMs: 30_000 });
    // Nothing reached the receiver while it asked for quiet (the database's clock and the receiver's are the machine's).
    for (const r of all.slice(1)) expect(r.at - refused.at).toBeGreaterThanOrEqual(2_900);
    expect(await allSucceeded(api, [first.body.id, ...held])).toHaveLength(6);
    const closed = await api.request('GET', `/webhooks/subscriptions/${body.id}`);
    expect(closed.body.breaker).toEqual({ state: 'closed', until: null, consecutiveFailures: 0 });
  });

  it('pause, 100 events, resume with rateLimit 20: the herd is paced, no second with more than 20', async () => {
    const { api } = await t.app.newEnvironment();
    const { body } = await api.subscribe(t.receiver.url('/herd'));
    await api.request('PATCH', `/webhooks/subscriptions/${body.id}`, { status: 'paused' });
    const events = await publishMany(api, 100, 'herd');
    // Every workflow has looked at its subscription and holds.
    for (const id of await notificationsOf(api, events))
      await waitFor(
        () => workflowStateOf(t.app.client, id),
        (state) => state?.status === 'held',
      );
    expect(t.receiver.forPath('/herd')).toHaveLength(0);
    const resumed = await api.request('PATCH', `/webhooks/subscriptions/${body.id}`, { status: 'active', rateLimit: 20 });
    expect(resumed.body).toMatchObject({ status: 'active', rateLimit: 20 });
    const arrived = await t.receiver.arrived('/herd', 100, { timeoutMs: 60_000 });
    expect(peakPerSecond(arrived)).toBeLessThanOrEqual(20);
    expect(await allSucceeded(api, events)).toHaveLength(100);
  });

  it('the breaker opens after 3 consecutive failures; when it ends, one probe goes first and alone, then the rest', async () => {
    const { api } = await t.app.newEnvironment();
    const { body } = await api.subscribe(t.receiver.url('/probe'));
    const failing = await api.publish('order.paid', { failing: true });
    const failures = await t.receiver.arrived('/probe', 3, { timeoutMs: 20_000 });
    const open = await waitFor(
      () => api.request('GET', `/webhooks/subscriptions/${body.id}`),
      (r) => r.body.breaker.state === 'open',
    );
    expect(open.body.breaker.consecutiveFailures).toBeGreaterThanOrEqual(3);
    const held = await publishMany(api, 5, 'probe');
    const all = await t.receiver.arrived('/probe', 9, { timeoutMs: 30_000 });
    const [probe, ...rest] = all.slice(3);
    // The probe waited for the breaker (2 s after the third failure), and the others waited for its answer (1.5 s).
    expect(probe.at - failures[2].at).toBeGreaterThanOrEqual(1_900);
    for (const r of rest) expect(r.at - probe.at).toBeGreaterThanOrEqual(1_400);
    expect(await allSucceeded(api, [failing.body.id])).toEqual([expect.objectContaining({ attemptCount: 4 })]);
    // The notifications published while it was open were attempted once: waiting used none of their attempts.
    for (const n of await allSucceeded(api, held)) expect(n.attemptCount).toBe(1);
  });
});
