import { Writable } from 'node:stream';
import { HttpsReceiver } from '../../support/https-receiver';
import { startTestApp, type TestApp } from '../../support/test-app';
import { createAppLogger } from '../../../src/observability/logger';
import { publishDelivered } from '../../support/deliveries';

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
    const { published, notificationId } = await publishDelivered(api, 'log.checked', { card: '4111-1111-secret' });
    const requestId = published.headers.get('x-request-id');
    await receiver.arrived('/logged', 2);

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

  it('at the default level, no route mappings, module loading or SDK state changes', async () => {
    // The app's start-up (beforeAll) and a delivery of this test's own, all through the sink.
    const { api } = await app.newEnvironment();
    await api.subscribe(receiver.url('/quiet'));
    await publishDelivered(api, 'log.quiet', { n: 1 });
    // The sink saw this process at the default level: this test's requests, and nothing below that level.
    expect(lines).toContainEqual(expect.objectContaining({ context: 'http', msg: 'POST /events 202' }));
    expect(lines.filter((l) => Number(l.level) < 30)).toEqual([]); // pino's info
    const messages = lines.map((l) => String(l.msg));
    expect(messages.filter((m) => /Mapped \{|dependencies initialized|Worker state changed|Nest application successfully started/.test(m))).toEqual([]);
  });
});
