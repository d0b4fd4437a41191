import type { ApiClient } from '../../support/api-client';
import type { ReceivedRequest } from '../../support/https-receiver';
import { useTestApp } from '../../support/test-app';
import { waitFor } from '../../support/wait';

/** What each test publishes: the key and its number in the key, read back from the POST's body. */
interface Published {
  key: string;
  n: number;
}

const dataOf = (request: ReceivedRequest): Published & { stuck?: boolean } => (JSON.parse(request.body) as { data: Published & { stuck?: boolean } }).data;

/** Paths to which the first attempt of every third notification (n % 3 === 1) fails with a 500. */
const FLAKY = '/flaky';

describe('ordered delivery per key (issue 22)', () => {
  /** For each path and key: when each n got its 2xx (by the receiver's clock). */
  const succeededAt = new Map<string, number>();
  const t = useTestApp({
    responder: (_, request) => {
      const data = dataOf(request);
      const path = request.path.split('?')[0];
      if (data.stuck && path !== '/unordered') return 500;
      if (path.startsWith(FLAKY)) {
        const earlier = t.receiver.requests.filter((r) => r !== request && r.headers['webhook-id'] === request.headers['webhook-id']);
        if (data.n % 3 === 1 && earlier.length === 0) return 500;
      }
      succeededAt.set(`${path} ${data.key} ${data.n}`, Date.now());
      return 200;
    },
    // Short retries, as the other delivery tests; no breaker, whose failure count would hold the key's head for
    // reasons of its own (the breaker's own tests show that it holds ordered heads like any other).
    env: { RETRY_INITIAL_INTERVAL: '200ms', RETRY_MAX_INTERVAL: '1s', BREAKER_FAILURE_THRESHOLD: '0' },
  });

  async function orderedSubscription(api: ApiClient, path: string): Promise<string> {
    const subscribed = await api.request('PUT', '/webhooks/subscribe', { url: t.receiver.url(path), ordering: 'key' });
    expect(subscribed.status).toBe(200);
    expect(subscribed.body.ordering).toBe('key');
    return subscribed.body.id as string;
  }

  async function publish(api: ApiClient, data: Published & { stuck?: boolean }): Promise<string> {
    const published = await api.request('POST', '/events', { type: 'ledger.entry', data, orderingKey: data.key });
    expect(published.status).toBe(202);
    return published.body.id as string;
  }

  /**
   * The order rule as the receiver saw it: within each key, requests come in publish order (n never goes back), and
   * the first request for n + 1 arrives after n's 2xx.
   */
  function expectKeyOrder(requests: ReceivedRequest[], path: string): void {
    const byKey = new Map<string, ReceivedRequest[]>();
    for (const request of requests) {
      const { key } = dataOf(request);
      byKey.set(key, [...(byKey.get(key) ?? []), request]);
    }
    for (const [key, received] of byKey) {
      const ns = received.map((r) => dataOf(r).n);
      expect(ns).toEqual([...ns].sort((a, b) => a - b));
      for (let i = 1; i < received.length; i++) {
        const { n } = dataOf(received[i]);
        if (n === dataOf(received[i - 1]).n) continue;
        const before = succeededAt.get(`${path} ${key} ${n - 1}`);
        expect(before).toBeDefined();
        expect(received[i].at).toBeGreaterThanOrEqual(before as number);
      }
    }
  }

  it('100 events of one key, a third of first attempts failing: each POST after the previous one’s 2xx, all delivered', async () => {
    const { api } = await t.app.newEnvironment();
    const path = `${FLAKY}/one-key`;
    await orderedSubscription(api, path);
    const eventIds: string[] = [];
    for (let n = 0; n < 100; n++) eventIds.push(await publish(api, { key: 'in_42', n }));

    await waitFor(
      async () => succeededAt.has(`${path} in_42 99`),
      (done) => done,
      { timeoutMs: 100_000, what: 'the 100th notification delivered' },
    );
    const requests = t.receiver.forPath(path);
    expectKeyOrder(requests, path);
    // Every n delivered once with a 2xx; those failing first were attempted twice.
    expect(new Set(requests.map((r) => dataOf(r).n)).size).toBe(100);
    expect(requests).toHaveLength(100 + 33);
    const last = await api.request('GET', `/events/${eventIds[99]}`);
    expect(last.body.orderingKey).toBe('in_42');
    expect(last.body.notifications[0].status).toBe('succeeded');
    // Each of the 33 retries waits for a Temporal timer, which the dev server fires about 1 s late whatever its length
    // (a 200 ms backoff timer fired after 968 ms in the run of 01:52): some 45 s on this machine, in sequence.
  }, 120_000);

  it('10 keys interleaved: order holds within each key, and the keys are delivered side by side', async () => {
    const { api } = await t.app.newEnvironment();
    const path = `${FLAKY}/ten-keys`;
    await orderedSubscription(api, path);
    const keys = Array.from({ length: 10 }, (_, k) => `key-${k}`);
    for (let n = 0; n < 10; n++) for (const key of keys) await publish(api, { key, n });

    await waitFor(
      async () => keys.filter((key) => succeededAt.has(`${path} ${key} 9`)).length,
      (done) => done === keys.length,
      { timeoutMs: 50_000, what: 'the last notification of every key delivered' },
    );
    const requests = t.receiver.forPath(path);
    expectKeyOrder(requests, path);
    expect(new Set(requests.map((r) => `${dataOf(r).key} ${dataOf(r).n}`)).size).toBe(100);
    // Side by side: some key's first request came before another key's last one.
    const span = (key: string) => {
      const at = requests.filter((r) => dataOf(r).key === key).map((r) => r.at);
      return { first: Math.min(...at), last: Math.max(...at) };
    };
    const overlapping = keys.filter((key) => keys.some((other) => other !== key && span(other).first < span(key).last && span(key).first < span(other).last));
    expect(overlapping.length).toBeGreaterThan(1);
  });

  it('a head that fails forever holds its key, not others nor unordered subscriptions; skip unblocks it', async () => {
    const { api } = await t.app.newEnvironment();
    const path = '/stuck-key';
    const subscriptionId = await orderedSubscription(api, path);
    const free = await api.request('PUT', '/webhooks/subscribe', { url: t.receiver.url('/unordered') });
    expect(free.body.ordering).toBe('none');

    await publish(api, { key: 'k', n: 0, stuck: true });
    await publish(api, { key: 'k', n: 1 });
    await publish(api, { key: 'k', n: 2 });
    await publish(api, { key: 'other', n: 0 });

    // The unordered subscription gets all four, whatever the ordered key does; the other key is delivered.
    await t.receiver.arrived('/unordered', 4);
    await waitFor(
      async () => succeededAt.has(`${path} other 0`),
      (done) => done,
      { what: 'the other key delivered' },
    );
    // The head has been attempted (and retried) while the two behind it wait without an attempt.
    const heads = await t.receiver.arrived((r) => r.path === path && dataOf(r).key === 'k', 2);
    expect(heads.every((r) => dataOf(r).n === 0)).toBe(true);
    const key = await api.request('GET', `/webhooks/subscriptions/${subscriptionId}/ordering/k`);
    expect(key.status).toBe(200);
    expect(key.body).toMatchObject({ subscriptionId, orderingKey: 'k', waiting: 2, head: { status: 'pending' } });
    const headId = key.body.head.id as string;
    expect(heads[0].headers['webhook-id']).toBe(headId);

    // A waiting notification says what it waits for.
    const unknown = await api.request('GET', `/webhooks/subscriptions/${subscriptionId}/ordering/${encodeURIComponent('no such key')}`);
    expect(unknown.body).toMatchObject({ subscriptionId, orderingKey: 'no such key', head: null, waiting: 0 });

    const skipped = await api.request('POST', `/notifications/${headId}/skip`);
    expect(skipped.status).toBe(200);
    expect(skipped.body).toMatchObject({ id: headId, status: 'skipped', orderingKey: 'k' });
    await waitFor(
      async () => succeededAt.has(`${path} k 2`),
      (done) => done,
      { what: 'the key delivered after its head was skipped' },
    );
    expectKeyOrder(
      t.receiver.forPath(path).filter((r) => !dataOf(r).stuck),
      path,
    );
    expect((await api.request('POST', `/notifications/${headId}/skip`)).status).toBe(409);
    expect((await api.request('GET', `/notifications/${headId}`)).body.status).toBe('skipped');
    const after = await api.request('GET', `/webhooks/subscriptions/${subscriptionId}/ordering/k`);
    expect(after.body).toMatchObject({ head: null, waiting: 0 });
  });

  it('a waiting notification names its head; a redelivered one waits its turn behind the key’s pending ones', async () => {
    const { api } = await t.app.newEnvironment();
    const path = '/redeliver-key';
    const subscriptionId = await orderedSubscription(api, path);
    const first = await publish(api, { key: 'r', n: 0 });
    await waitFor(
      async () => succeededAt.has(`${path} r 0`),
      (done) => done,
      { what: 'the first notification delivered' },
    );
    const firstId = (
      await waitFor(
        () => api.request('GET', `/events/${first}`),
        (r) => r.body.notifications[0].status === 'succeeded',
      )
    ).body.notifications[0].id as string;
    await publish(api, { key: 'r', n: 1, stuck: true });
    const stuck = await waitFor(
      () => api.request('GET', `/webhooks/subscriptions/${subscriptionId}/ordering/r`),
      (r) => r.body.head?.attemptCount >= 1,
    );
    const stuckId = stuck.body.head.id as string;

    const redelivered = await api.request('POST', `/notifications/${firstId}/redeliver`);
    expect(redelivered.status).toBe(202);
    const waiting = await waitFor(
      () => api.request('GET', `/notifications/${firstId}`),
      (r) => r.body.waitsFor !== null,
    );
    expect(waiting.body).toMatchObject({ status: 'pending', waitsFor: stuckId, orderingKey: 'r', attemptCount: 1 });
    expect((await api.request('GET', `/webhooks/subscriptions/${subscriptionId}/ordering/r`)).body).toMatchObject({ head: { id: stuckId }, waiting: 1 });
    // In the Web UI: the summary says ordered, the details say how, and the current details name the head it waits for.
    const handle = t.app.client.workflow.getHandle(firstId);
    const description = await handle.describe();
    expect(await description.staticSummary()).toMatch(/ \(ordered\)$/);
    expect(await description.staticDetails()).toContain('- ordering: by key');
    const metadata = await waitFor(
      () => handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata'),
      (m) => (m.currentDetails ?? '').includes(stuckId),
    );
    expect(metadata.currentDetails).toContain('waiting for its turn');

    expect((await api.request('POST', `/notifications/${stuckId}/skip`)).status).toBe(200);
    const delivered = await waitFor(
      () => api.request('GET', `/notifications/${firstId}`),
      (r) => r.body.status === 'succeeded',
    );
    expect(delivered.body.attemptCount).toBe(2);
    const order = t.receiver.forPath(path).map((r) => r.headers['webhook-id']);
    expect(order[0]).toBe(firstId);
    expect(order[order.length - 1]).toBe(firstId);
    expect(order.slice(1, -1).every((id) => id === stuckId)).toBe(true);
  });

  it('skips an unordered pending notification too', async () => {
    const { api } = await t.app.newEnvironment();
    await api.subscribe(t.receiver.url('/unordered-stuck'));
    const eventId = await publish(api, { key: 'u', n: 0, stuck: true });
    const event = await waitFor(
      () => api.request('GET', `/events/${eventId}`),
      (r) => r.body.notifications[0]?.attemptCount >= 1,
    );
    const id = event.body.notifications[0].id as string;
    const skipped = await api.request('POST', `/notifications/${id}/skip`);
    expect(skipped.body).toMatchObject({ status: 'skipped', orderingKey: null, waitsFor: null });
    const attempts = skipped.body.attemptCount as number;
    // Its workflow is cancelled: no attempt after the skip (but one that was already in flight).
    await expect(t.app.client.workflow.getHandle(id).result()).rejects.toThrow();
    const later = await api.request('GET', `/notifications/${id}`);
    expect(later.body.status).toBe('skipped');
    expect(later.body.attemptCount).toBeLessThanOrEqual(attempts + 1);
  });

  it('orderingKey must be 1-256 printable characters; ordering must be none or key', async () => {
    const { api } = await t.app.newEnvironment();
    const publishWith = (orderingKey: unknown) => api.request('POST', '/events', { type: 'ledger.entry', data: {}, orderingKey });
    for (const bad of ['', 'x'.repeat(257), 'tab\there', 'nul\u0000', 'line\u2028sep', 42, null, ['k']]) {
      const answer = await publishWith(bad);
      expect({ bad, status: answer.status }).toEqual({ bad, status: 400 });
      expect(answer.body.message).toContain('orderingKey must be a string of 1-256 printable characters');
    }
    for (const good of ['a', 'x'.repeat(256), 'invoice in_42 / ünïcødé ✓', '🙂'.repeat(256)]) {
      const answer = await publishWith(good);
      expect({ good, status: answer.status }).toEqual({ good, status: 202 });
    }
    const bad = await api.request('PUT', '/webhooks/subscribe', { url: t.receiver.url('/o'), ordering: 'fifo' });
    expect(bad.status).toBe(400);
    const subscribed = await api.subscribe(t.receiver.url('/o'));
    expect(subscribed.body.ordering).toBe('none');
    const patched = await api.request('PATCH', `/webhooks/subscriptions/${subscribed.body.id}`, { ordering: 'key' });
    expect(patched.body.ordering).toBe('key');
    expect((await api.request('GET', `/webhooks/subscriptions/${subscribed.body.id}`)).body.ordering).toBe('key');
    expect((await api.request('PATCH', `/webhooks/subscriptions/${subscribed.body.id}`, { ordering: 'yes' })).status).toBe(400);
    expect((await api.request('GET', `/webhooks/subscriptions/${subscribed.body.id}/ordering/${encodeURIComponent('bad\tkey')}`)).status).toBe(400);
  });
});
