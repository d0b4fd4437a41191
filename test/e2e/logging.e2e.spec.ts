import { Writable } from 'node:stream';
import { waitFor } from '../support/api-client';
import { HttpsReceiver } from '../support/https-receiver';
import { startTestApp, type TestApp } from '../support/test-app';
import { createAppLogger } from '../../src/observability/logger';

/** What an operator sees at the default level, as JSON lines: the first app of this file, so every logger is its. */
describe('logs (LOG_FORMAT=json, default level)', () => {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  let receiver: HttpsReceiver;
  let app: TestApp;

  beforeAll(async () => {
    receiver = await HttpsReceiver.start((index) => (index === 0 ? 500 : 204));
    const logger = createAppLogger({ level: 'log', format: 'json' }, sink);
    app = await startTestApp({ NODE_EXTRA_CA_CERTS: receiver.caFile, LOG_LEVEL: 'log', LOG_FORMAT: 'json' }, { logger });
  });
  afterAll(async () => {
    await app?.close();
    await receiver?.stop();
  });

  it('a request’s line carries its ID; a delivery’s lines the notification; no token, key or data anywhere', async () => {
    const { token, api } = await app.newEnvironment();
    const subscribed = await api.subscribe(receiver.url('/logged'));
    const published = await api.publish('log.checked', { card: '4111-1111-secret' });
    expect(published.status).toBe(202);
    const requestId = published.headers.get('x-request-id');
    await waitFor(async () => receiver.requests.length, (n) => n >= 2);
    const event = await waitFor(() => api.request('GET', `/events/${published.body.id}`), (r) => r.body.notifications[0]?.status === 'succeeded');
    const notificationId = event.body.notifications[0].id as string;

    const requestLines = lines.filter((l) => l.context === 'http');
    expect(requestLines.length).toBeGreaterThanOrEqual(4);
    for (const line of requestLines) expect(line.requestId).toMatch(/^req_/);
    expect(requestLines).toContainEqual(expect.objectContaining({ requestId, msg: 'POST /events 202', req: { method: 'POST', path: '/events' } }));

    const deliveryLines = lines.filter((l) => String(l.context).startsWith('temporal'));
    expect(deliveryLines.length).toBeGreaterThan(0);
    for (const line of deliveryLines.filter((l) => l.workflowType === 'deliverNotification')) expect(line.notificationId).toBe(line.workflowId);
    expect(deliveryLines).toContainEqual(expect.objectContaining({ notificationId }));

    const everything = JSON.stringify(lines);
    for (const secret of [token, subscribed.body.signatureKey, '4111-1111-secret', 'Bearer']) expect(everything).not.toContain(secret);
  });

  it('at the default level, no route mappings, module loading or SDK state changes', () => {
    const messages = lines.map((l) => String(l.msg));
    expect(messages.filter((m) => /Mapped \{|dependencies initialized|Worker state changed|Nest application successfully started/.test(m))).toEqual([]);
  });
});
