import { ADMIN_TOKEN, startTestApp, type TestApp, useTestApp } from '../../support/test-app';
import { waitFor } from '../../support/wait';
import { runCli } from '../../support/cli-harness';
import { publishDelivered } from '../../support/deliveries';
import { typePrefix } from '../../support/catalog';

/** The operator's side of an outage: 200 notifications expired, then `plude recover` delivers them again and follows it. */
describe('plude recover, redeliver and event-types against the real stack', () => {
  let down = true;
  // Every notification of this app has a 3 s window and 1 s per attempt; /outage-200 answers 500 while down, and the
  // other paths 204 (each test stands alone).
  const t = useTestApp({
    responder: (_index, request) => (down && request.path === '/outage-200' ? 500 : 204),
    env: { DELIVERY_WINDOW: '3s', DELIVERY_TIMEOUT: '1s', BREAKER_FAILURE_THRESHOLD: '0' },
  });
  let recoverer: TestApp;
  beforeAll(async () => {
    recoverer = await startTestApp({ NODE_EXTRA_CA_CERTS: t.receiver.caFile });
  });
  afterAll(() => recoverer?.close());

  it('follows a recovery of 200 notifications to its end: the last progress line shows 200/200', async () => {
    const { id: environment, token, api } = await t.app.newEnvironment();
    const { body: subscription } = await api.subscribe(t.receiver.url('/outage-200'));
    const since = new Date(Date.now() - 60_000).toISOString();
    for (let batch = 0; batch < 200; batch += 20) {
      const published = await Promise.all(Array.from({ length: 20 }, (_, n) => api.publish('order.paid', { n: batch + n })));
      expect(published.every((p) => p.status === 202)).toBe(true);
    }
    await waitFor(
      async () =>
        (
          await t.app.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM notifications WHERE subscription_id = $1 AND status = 'expired'`, [
            subscription.id,
          ])
        )[0].n,
      (n) => n === 200,
      60_000,
    );
    down = false;

    const env = { PLUDE_URL: recoverer.api.url, PLUDE_TOKEN: token, PLUDE_ENVIRONMENT: environment, PLUDE_ADMIN_TOKEN: ADMIN_TOKEN };
    const { code, stdout, stderr } = await runCli(['recover', subscription.id, '--since', since], { env });
    expect([code, stderr]).toEqual([0, '']);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^recovery rcv_\w+: 200 notifications/);
    expect(lines.at(-2)).toMatch(/^\[#{30}\] 200\/200 started, 200 succeeded, 0 expired \(completed\)$/);
    expect(lines.at(-1)).toMatch(/^recovery rcv_\w+ completed$/);
  }, 180_000);

  it('redelivers one notification and declares an event type (with the service token: the catalog is the platform’s)', async () => {
    const created = await recoverer.newEnvironment();
    const { id: environment, token, api } = created;
    const serviceToken = (await created.service()).auth.token;
    const plude = (...argv: string[]) =>
      runCli(argv, { env: { PLUDE_URL: recoverer.api.url, PLUDE_TOKEN: token, PLUDE_SERVICE_TOKEN: serviceToken, PLUDE_ENVIRONMENT: environment } });
    const type = `${typePrefix()}.invoice.sent`;
    const schema = '{"type":"object","required":["invoice"],"properties":{"invoice":{"type":"string"}}}';
    expect(await plude('event-types', 'put', type, '--description', 'Sent', '--schema', schema, '--example', '{"invoice": "in_1"}')).toMatchObject({
      code: 0,
    });
    expect((await plude('event-types', 'list')).stdout).toContain(type);
    expect(await plude('events', 'publish', type, '--data', '{"nope": 1}')).toMatchObject({ code: 1, stderr: expect.stringContaining('HTTP 422') });

    await api.subscribe(t.receiver.url('/redelivered'));
    const { notificationId: id } = await publishDelivered(api, type, { invoice: 'in_2' });
    expect(await plude('notifications', 'redeliver', id)).toMatchObject({ code: 0 });
    const [first, again] = await t.receiver.arrived('/redelivered', 2);
    expect(again.headers['webhook-id']).toBe(first.headers['webhook-id']);
  });
});
