import { LoopbackDnsServer } from '../../support/dns-server';
import { startTestApp, type TestApp } from '../../support/test-app';
import { waitFor } from '../../support/wait';

const DNS_TIMEOUT_MS = 500;

/**
 * Bounded DNS (issue 20): subscribe and delivery resolve receivers' names through DNS_SERVERS (here a DNS server on
 * 127.0.0.1 that never answers `*.silent.test`) with DNS_TIMEOUT, and a lookup that times out says so.
 */
describe('bounded DNS at subscribe and at delivery', () => {
  let dns: LoopbackDnsServer;
  let app: TestApp;

  beforeAll(async () => {
    dns = await LoopbackDnsServer.start({ silent: (name) => name.endsWith('.silent.test') });
    dns.set('public.test', { addresses: ['93.184.215.14'] });
    dns.set('private.test', { addresses: ['10.0.0.5'] });
    app = await startTestApp({ ALLOW_PRIVATE_TARGETS: 'false', DNS_SERVERS: dns.address, DNS_TIMEOUT: `${DNS_TIMEOUT_MS}ms` });
  });
  afterAll(async () => {
    await app?.close();
    await dns?.stop();
  });

  it('checks a subscribed name on the addresses DNS_SERVERS gives, and refuses one whose lookup times out with a 400 that says so', async () => {
    const strict = await app.newEnvironment({ allowPrivateTargets: false });
    expect((await strict.api.subscribe('https://public.test/hook')).status).toBe(200);
    const refused = await strict.api.subscribe('https://private.test/hook');
    expect(refused).toMatchObject({
      status: 400,
      body: { error: 'private_target', message: expect.stringContaining('private.test resolves to a private or reserved address') },
    });
    // The address goes to the log only: the answer would map internal DNS for any token holder.
    expect(JSON.stringify(refused.body)).not.toContain('10.0.0.5');
    const started = Date.now();
    const silent = await strict.api.subscribe('https://a.silent.test/hook');
    expect(silent).toMatchObject({
      status: 400,
      body: { error: 'invalid_url', message: 'could not resolve host a.silent.test (dns timeout: its name servers did not answer in time; try again)' },
    });
    expect(Date.now() - started).toBeLessThan(DNS_TIMEOUT_MS + 1_500);
  });

  it('accepts the name where private targets are allowed (no lookup at subscribe), and records each attempt as a "dns timeout" that is retried', async () => {
    const loose = await app.newEnvironment({ allowPrivateTargets: true });
    expect((await loose.api.subscribe('https://b.silent.test/hook')).status).toBe(200);
    const published = await loose.api.publish('invoice.paid', { n: 1 });
    expect(published.status).toBe(202);
    const event = await waitFor(
      () => loose.api.request('GET', `/events/${published.body.id}`),
      (r) => r.body.notifications?.length === 1,
    );
    const notificationId = event.body.notifications[0].id as string;
    const attempts = await waitFor(
      () => loose.api.request('GET', `/notifications/${notificationId}/attempts`),
      (r) => r.body.length >= 2,
      { timeoutMs: 30_000 },
    );
    for (const attempt of attempts.body.slice(0, 2)) {
      expect(attempt).toMatchObject({ succeeded: false, statusCode: null, error: `dns timeout after ${DNS_TIMEOUT_MS}ms resolving b.silent.test` });
    }
    expect((await loose.api.request('GET', `/notifications/${notificationId}`)).body.status).toBe('pending');
  });
});
