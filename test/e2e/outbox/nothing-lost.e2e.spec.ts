import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { ApiClient } from '../../support/api-client';
import { HeldProxy } from '../../support/held-proxy';
import { workflowExists } from '../../support/workflows';
import { waitFor } from '../../support/wait';
import { HttpsReceiver } from '../../support/https-receiver';
import { startTestApp, storeWithoutDispatch, type TestApp, useTestApp } from '../../support/test-app';
import { deliveredEvent, publishDelivered } from '../../support/deliveries';

describe('nothing accepted is lost', () => {
  const t = useTestApp();

  it('a stored notification whose workflow never started is started by the outbox relay and delivered', async () => {
    const { id: environmentId, api } = await t.app.newEnvironment();
    await api.subscribe(t.receiver.url('/recovered'));
    // The state a crash between the database commit and the workflow start leaves behind.
    const stored = await storeWithoutDispatch(t.app, environmentId, 'user.created', { user: 'u_1' });
    expect(stored.notifications).toHaveLength(1);
    const [{ id: notificationId }] = stored.notifications;
    expect(notificationId).toMatch(/^ntf_[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
    await expect(t.app.client.workflow.getHandle(notificationId).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);

    expect(await t.app.api.relay.runOnce(0)).toBeGreaterThanOrEqual(1);
    await waitFor(
      () => api.request('GET', `/notifications/${notificationId}`),
      (r) => r.body.status === 'succeeded',
    );
    expect(t.receiver.forPath('/recovered')).toHaveLength(1);
    const [{ dispatched_at }] = await t.app.db.query(`SELECT dispatched_at FROM notifications WHERE id = $1`, [notificationId]);
    expect(dispatched_at).toBeInstanceOf(Date);
  });

  it('published notifications are marked dispatched once their workflow exists', async () => {
    const { api } = await t.app.newEnvironment();
    await api.subscribe(t.receiver.url('/dispatched'));
    const { notificationId } = await publishDelivered(api, 'user.created', { user: 'u_2' });
    const rows = await waitFor(
      () => t.app.db.query(`SELECT dispatched_at FROM notifications WHERE id = $1`, [notificationId]),
      (r: { dispatched_at: Date | null }[]) => r[0].dispatched_at !== null,
    );
    expect(rows).toHaveLength(1);
  });
});

/** The value of one sample of Prometheus text, e.g. sample(text, 'plude_outbox_starts_queued'). */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (line === undefined) throw new Error(`no ${series} in /metrics`);
  return Number(line.slice(series.length + 1));
}

/**
 * Publishes while Temporal holds every byte of the app's connection (a proxy in front of the suite's server): the
 * server is up but answers nothing, as when it is slow or cut off. The test's own client goes to the server directly.
 */
describe('a publish while Temporal does not answer', () => {
  let proxy: HeldProxy;
  let receiver: HttpsReceiver;
  let app: TestApp;
  let connection: Connection;
  let temporal: Client;
  const QUEUED_STARTS = 2;

  beforeAll(async () => {
    proxy = await HeldProxy.start(process.env.TEMPORAL_ADDRESS as string);
    receiver = await HttpsReceiver.start();
    // Relay passes hourly (the test app's DISPATCH_RECOVERY_INTERVAL): only a hurried pass can start what is left to it.
    app = await startTestApp(
      { NODE_EXTRA_CA_CERTS: receiver.caFile, TEMPORAL_ADDRESS: proxy.address },
      { configure: (config) => ({ ...config, maxQueuedStarts: QUEUED_STARTS }) },
    );
    connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS as string });
    temporal = new Client({ connection, namespace: app.config.temporal.namespace });
  });
  afterEach(() => proxy.release());
  afterAll(async () => {
    await app?.close();
    await connection?.close();
    await proxy?.stop();
    await receiver?.stop();
  });

  const scrape = async () => (await fetch(`${app.api.url}/metrics`)).text();

  it('is answered 202 once stored, before its workflow start is answered; the start goes through once Temporal answers', async () => {
    const { api } = await app.newEnvironment();
    await api.subscribe(receiver.url('/held-start'));
    const relayedBefore = sample(await scrape(), 'plude_outbox_relay_starts_total');
    proxy.hold();
    const startedAt = performance.now();
    const published = await api.publish('order.paid', { n: 1 });
    expect(published.status).toBe(202);
    // Not after a start's deadline (10 s), nor after the 5 s a publish used to wait for its first starts: a generous bound.
    expect(performance.now() - startedAt).toBeLessThan(3_000);
    const { body: event } = await api.request('GET', `/events/${published.body.id}`);
    const id = event.notifications[0].id as string;
    // Answered, and stored, while its start could not have reached Temporal.
    expect(await workflowExists(temporal, id)).toBe(false);
    const [row] = await app.db.query(`SELECT dispatched_at FROM notifications WHERE id = $1`, [id]);
    expect(row.dispatched_at).toBeNull();

    proxy.release();
    const [delivered] = await receiver.arrived('/held-start');
    expect(delivered.headers['webhook-id']).toBe(id);
    await waitFor(
      () => app.db.query(`SELECT dispatched_at FROM notifications WHERE id = $1`, [id]),
      (rows: { dispatched_at: Date | null }[]) => rows[0].dispatched_at !== null,
    );
    expect(sample(await scrape(), 'plude_outbox_relay_starts_total')).toBe(relayedBefore); // its own start, not the relay's
  });

  it('past its start queue, a fan-out is left in the outbox, and the relay starts it soon: each delivered once', async () => {
    const SLOTS = 32;
    const LEFT = 5;
    const { api } = await app.newEnvironment();
    const paths = Array.from({ length: SLOTS + QUEUED_STARTS + LEFT }, (_, i) => `/fan-${i}`);
    for (const path of paths) expect((await api.subscribe(receiver.url(path))).status).toBe(200);
    const before = await scrape();
    proxy.hold();
    const published = await api.publish('order.paid', { n: 2 });
    expect(published.status).toBe(202);
    expect(published.body.notifications).toBe(paths.length);
    const held = await scrape();
    expect(sample(held, 'plude_outbox_starts_queued')).toBe(QUEUED_STARTS);
    expect(sample(held, 'plude_outbox_left_to_relay_total') - sample(before, 'plude_outbox_left_to_relay_total')).toBe(LEFT);

    proxy.release();
    // Those left wait out the relay's grace (10 s after they were stored) for a hurried pass: well within a minute.
    const arrived = await receiver.arrived((r) => paths.includes(r.path), paths.length, { timeoutMs: 60_000 });
    expect(new Set(arrived.map((r) => r.path))).toEqual(new Set(paths));
    const after = await scrape();
    expect(sample(after, 'plude_outbox_relay_starts_total') - sample(before, 'plude_outbox_relay_starts_total')).toBeGreaterThanOrEqual(LEFT);
    expect(sample(after, 'plude_outbox_starts_queued')).toBe(0);
    await deliveredEvent(api, published.body.id);
    expect(receiver.requests.filter((r) => paths.includes(r.path))).toHaveLength(paths.length); // none twice
  });
});

describe('a worker that goes away', () => {
  it('leaves its pending notifications to the next worker on the task queue, which delivers them', async () => {
    let answer = 503;
    const receiver = await HttpsReceiver.start(() => answer);
    const env = { NODE_EXTRA_CA_CERTS: receiver.caFile, TEMPORAL_TASK_QUEUE: `handover-${Date.now()}`, RETRY_INITIAL_INTERVAL: '1s' };
    const first = await startTestApp(env);
    let second: TestApp | undefined;
    try {
      const { id: environment, token, api } = await first.newEnvironment();
      await api.subscribe(receiver.url('/handover'));
      const published = await api.publish('order.shipped', { order: 9 });
      const event = await waitFor(
        () => api.request('GET', `/events/${published.body.id}`),
        (r) => r.body.notifications[0]?.attemptCount >= 1,
      );
      const id = event.body.notifications[0].id as string;
      await first.close();

      answer = 200;
      second = await startTestApp(env);
      const secondApi = new ApiClient(second.api.url, { token, environment });
      const done = await waitFor(
        () => secondApi.request('GET', `/notifications/${id}`),
        (r) => r.body.status === 'succeeded',
      );
      expect(done.body.attempts.at(-1)).toMatchObject({ succeeded: true, statusCode: 200 });
      expect(done.body.attempts.slice(0, -1).every((a: { statusCode: number }) => a.statusCode === 503)).toBe(true);
    } finally {
      await second?.close();
      await receiver.stop();
    }
  });
});
