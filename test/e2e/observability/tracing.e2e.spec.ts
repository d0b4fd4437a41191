import { Writable } from 'node:stream';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Worker } from '@temporalio/worker';
import { createAppLogger } from '../../../src/observability/logger';
import { HttpsReceiver } from '../../support/https-receiver';
import { startTestApp, type TestApp } from '../../support/test-app';
import { deliveredEvent } from '../../support/deliveries';
import { waitFor } from '../../support/wait';

/**
 * Tracing on, in process: the suite's app (API and worker, as `npm start` wires them) with its spans going to an
 * in-memory exporter, a receiver that fails the first POST of each path and takes the second, and a publisher that
 * sends its own `traceparent`.
 */
describe('tracing: one trace from the publish to every attempt', () => {
  const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
  const PUBLISHER_SPAN = '00f067aa0ba902b7';
  // What no span may hold: the receiver's path and query (which may carry a secret), and the event's data.
  const PATH = '/hooks/s3cret-path';
  const QUERY = 'token=q5ecret';
  const DATA = 'd4ta-sentinel';

  const exporter = new InMemorySpanExporter();
  const lines: Record<string, unknown>[] = [];
  const seen = new Map<string, number>();
  let receiver: HttpsReceiver;
  let app: TestApp;
  /** The traced notification of the first test, whose history the last one replays. */
  let tracedNotificationId: string | undefined;

  beforeAll(async () => {
    receiver = await HttpsReceiver.start((_, request) => {
      const n = (seen.get(request.path) ?? 0) + 1;
      seen.set(request.path, n);
      return n === 1 ? 500 : 200;
    });
    const logs = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    app = await startTestApp(
      {
        NODE_EXTRA_CA_CERTS: receiver.caFile,
        OTEL_TRACES_EXPORTER: 'console', // tracing on; the spans go to the in-memory exporter instead
        TRACE_URL_TEMPLATE: 'http://jaeger.example:16686/trace/{traceId}',
        RETRY_INITIAL_INTERVAL: '200ms',
      },
      { spanExporter: exporter, logger: createAppLogger({ level: 'debug', format: 'json', traceIds: true }, logs) },
    );
  }, 180_000); // the traced workflow bundle is made at the worker's start

  afterAll(async () => {
    await app?.close();
    await receiver?.stop();
  });

  const spansOf = (traceId: string) => exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
  const named = (spans: ReadableSpan[], name: string) => spans.filter((s) => s.name === name);
  const one = (spans: ReadableSpan[], name: string) => {
    const found = named(spans, name);
    expect({ name, count: found.length }).toEqual({ name, count: 1 });
    return found[0];
  };

  it('publish, commit, start, workflow and both attempts, parent by parent; each POST carried its attempt’s traceparent', async () => {
    const { api } = await app.newEnvironment();
    await api.subscribe(receiver.url(`${PATH}?${QUERY}`));
    const published = await api.request(
      'POST',
      '/events',
      { type: 'invoice.paid', data: { secret: DATA } },
      { traceparent: `00-${TRACE_ID}-${PUBLISHER_SPAN}-01` },
    );
    expect(published.status).toBe(202);
    const event = await deliveredEvent(api, published.body.id as string);
    const notificationId = (event.body.notifications as { id: string }[])[0].id;
    tracedNotificationId = notificationId;

    // The workflow's spans leave the sandbox when it completes: wait for its run's span and both POSTs.
    const spans = await waitFor(
      async () => spansOf(TRACE_ID),
      (found) => named(found, 'RunWorkflow:deliverNotification').length === 1 && named(found, 'POST webhook').length === 2,
      { what: 'the workflow run and two POST spans in the publisher’s trace' },
    );
    const server = one(spans, 'POST /events');
    expect(server.parentSpanId).toBe(PUBLISHER_SPAN);
    expect(server.attributes['http.response.status_code']).toBe(202);
    expect(one(spans, 'outbox commit').parentSpanId).toBe(server.spanContext().spanId);
    const start = one(spans, 'StartWorkflow:deliverNotification');
    expect(start.parentSpanId).toBe(server.spanContext().spanId);
    const run = one(spans, 'RunWorkflow:deliverNotification');
    expect(run.parentSpanId).toBe(start.spanContext().spanId);

    // Each attempt: scheduled by the workflow, run by the worker, its POST inside the run.
    const posts = named(spans, 'POST webhook').sort((a, b) => Number(a.attributes['plude.attempt']) - Number(b.attributes['plude.attempt']));
    expect(posts.map((p) => [p.attributes['plude.attempt'], p.attributes['http.response.status_code']])).toEqual([
      [1, 500],
      [2, 200],
    ]);
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    for (const post of posts) {
      expect(post.attributes).toMatchObject({
        'plude.notification_id': notificationId,
        'plude.event_id': published.body.id,
        'plude.subscription_id': expect.stringMatching(/^sub_/),
      });
      const attemptRun = byId.get(post.parentSpanId ?? '');
      expect(attemptRun?.name).toBe('RunActivity:deliverAttempt');
      const scheduled = byId.get(attemptRun?.parentSpanId ?? '');
      expect(scheduled?.name).toBe('StartActivity:deliverAttempt');
      expect(scheduled?.parentSpanId).toBe(run.spanContext().spanId);
      expect(post.endTime[0] * 1e9 + post.endTime[1]).toBeGreaterThan(post.startTime[0] * 1e9 + post.startTime[1]);
    }

    // The receiver saw a traceparent of the trace on each POST: the span of that attempt's POST.
    const received = receiver.forPath(`${PATH}?${QUERY}`);
    expect(received).toHaveLength(2);
    expect(received.map((r) => r.headers.traceparent)).toEqual(posts.map((p) => `00-${TRACE_ID}-${p.spanContext().spanId}-01`));

    // No span holds the URL's path or query, nor the event's data: not in a name, an attribute, an event or a status.
    const text = JSON.stringify(
      exporter.getFinishedSpans().map((s) => ({ name: s.name, attributes: s.attributes, events: s.events, status: s.status, resource: s.resource.attributes })),
    );
    for (const secret of [PATH, 's3cret-path', QUERY, DATA]) expect({ secret, found: text.includes(secret) }).toEqual({ secret, found: false });

    // The trace is stored with the event, linked by TRACE_URL_TEMPLATE.
    expect(event.body).toMatchObject({ traceId: TRACE_ID, traceUrl: `http://jaeger.example:16686/trace/${TRACE_ID}` });
    const notification = await api.request('GET', `/notifications/${notificationId}`);
    expect(notification.body).toMatchObject({ traceId: TRACE_ID, traceUrl: `http://jaeger.example:16686/trace/${TRACE_ID}` });
    // Each attempt records the traceparent its POST carried, with the rest of its headers.
    const recorded = (notification.body.attempts as { requestHeaders: Record<string, string> }[]).map((a) => a.requestHeaders);
    expect(recorded.map((h) => h.traceparent)).toEqual(received.map((r) => r.headers.traceparent));
    expect(recorded.map((h) => h['webhook-signature'])).toEqual(received.map((r) => r.headers['webhook-signature']));
    const described = await app.client.workflow.getHandle(notificationId).describe();
    expect((await described.staticDetails()) ?? '').toContain(`- trace: [\`${TRACE_ID}\`](http://jaeger.example:16686/trace/${TRACE_ID})`);

    // Log lines written inside the request and the attempts name the trace and their span: the request's line, and
    // each attempt's end as the SDK logs it (the first one failed: a warning at every level).
    const request = lines.find((line) => line.context === 'http' && line.msg === 'POST /events 202' && line.traceId === TRACE_ID);
    expect(request?.spanId).toBe(server.spanContext().spanId);
    const ends = await waitFor(
      async () => lines.filter((line) => line.notificationId === notificationId && /^Activity (failed|completed)$/.test(String(line.msg))),
      (found) => found.length === 2,
      { what: 'both attempts’ end logged' },
    );
    expect(ends.map((line) => [line.msg, line.traceId, line.spanId])).toEqual(
      posts.map((p, i) => [i === 0 ? 'Activity failed' : 'Activity completed', TRACE_ID, p.parentSpanId]),
    );
    // The headers an attempt sent and recorded are never logged.
    const logged = JSON.stringify(lines);
    for (const r of received) expect(logged).not.toContain(r.headers['webhook-signature']);
  });

  it('a publish without traceparent starts a trace of its own, stored with the event', async () => {
    const { api } = await app.newEnvironment();
    await api.subscribe(receiver.url('/hooks/own-trace'));
    const published = await api.publish('invoice.paid', { n: 1 });
    const event = await deliveredEvent(api, published.body.id as string);
    const traceId = event.body.traceId as string;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(traceId).not.toBe(TRACE_ID);
    const server = one(spansOf(traceId), 'POST /events');
    expect(server.parentSpanId).toBeUndefined();
  });

  // Tracing turned off again: a worker without the interceptors replays what a traced worker recorded.
  it('the traced delivery’s history replays on untraced workflow code', async () => {
    expect(tracedNotificationId).toBeDefined();
    const history = await app.client.workflow.getHandle(tracedNotificationId as string).fetchHistory();
    await expect(
      Worker.runReplayHistory({ workflowsPath: require.resolve('../../../workflows'), replayName: 'traced-history' }, history),
    ).resolves.toBeUndefined();
  }, 60_000);
});
