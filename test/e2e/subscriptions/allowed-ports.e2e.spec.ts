import { HttpsReceiver } from '../../support/https-receiver';
import { startTestApp, type TestApp } from '../../support/test-app';
import { waitFor } from '../../support/wait';

const portOf = (receiver: HttpsReceiver) => Number(new URL(receiver.url()).port);

/**
 * ALLOWED_PORTS (issue 26): a URL naming another port is refused at subscribe (400) and, for one stored before the
 * policy (here written straight into the database), when the sender would connect: the attempt records why, and the
 * port is never tried, so that the service cannot tell open ports from closed ones.
 */
describe('ALLOWED_PORTS at subscribe and at connect', () => {
  let allowed: HttpsReceiver;
  let other: HttpsReceiver;
  let app: TestApp;

  beforeAll(async () => {
    allowed = await HttpsReceiver.start();
    other = await HttpsReceiver.start();
    app = await startTestApp({ NODE_EXTRA_CA_CERTS: allowed.caFile, ALLOWED_PORTS: `443,${portOf(allowed)}` });
  });
  afterAll(async () => {
    await app?.close();
    await allowed?.stop();
    await other?.stop();
  });

  it('refuses a URL on another port with a 400 naming the allowed ports, and delivers to an allowed one', async () => {
    const env = await app.newEnvironment({ allowPrivateTargets: true });
    const refused = await env.api.subscribe(other.url('/refused'));
    expect(refused).toMatchObject({
      status: 400,
      body: { error: 'invalid_url', message: `url port ${portOf(other)} is not allowed; the allowed ports are 443, ${portOf(allowed)} (ALLOWED_PORTS)` },
    });
    expect((await env.api.request('GET', '/webhooks/subscriptions')).body.items).toEqual([]);

    expect((await env.api.subscribe(allowed.url('/allowed'))).status).toBe(200);
    expect((await env.api.publish('invoice.paid', { n: 1 })).status).toBe(202);
    await allowed.arrived('/allowed');
  });

  it('records an attempt refused at connect for a stored URL on another port, and never connects to it', async () => {
    const env = await app.newEnvironment({ allowPrivateTargets: true });
    const subscribed = await env.api.subscribe(allowed.url('/moved'));
    expect(subscribed.status).toBe(200);
    await app.db.query('UPDATE subscriptions SET url = $1 WHERE id = $2', [other.url('/moved'), subscribed.body.id]);

    const published = await env.api.publish('invoice.paid', { n: 2 });
    expect(published.status).toBe(202);
    const event = await waitFor(
      () => env.api.request('GET', `/events/${published.body.id}`),
      (r) => r.body.notifications?.length === 1,
    );
    const notificationId = event.body.notifications[0].id as string;
    const attempts = await waitFor(
      () => env.api.request('GET', `/notifications/${notificationId}/attempts`),
      (r) => r.body.length >= 1,
      { timeoutMs: 30_000 },
    );
    expect(attempts.body[0]).toMatchObject({
      succeeded: false,
      statusCode: null,
      error: expect.stringContaining(`url port ${portOf(other)} is not allowed`),
    });
    expect(other.requests).toEqual([]);
  });
});
