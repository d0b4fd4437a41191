import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../../support/wait';
import { storeWithoutDispatch, useTestApp } from '../../support/test-app';

/** The value of one sample of the Prometheus text `text`, e.g. sample(text, 'plude_delivery_attempts_total{outcome="5xx"}'). */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics: Prometheus text, plude_* only', () => {
  const t = useTestApp({
    responder: (index, request) => {
      if (request.path === '/fails-once') return t.receiver.forPath('/fails-once').length === 1 ? 500 : 204;
      if (request.path === '/slow') return { status: 200, delayMs: 3000 };
      if (request.path === '/refuses') return 404;
      return 200;
    },
    env: { DELIVERY_TIMEOUT: '1s', RETRY_INITIAL_INTERVAL: '200ms' },
  });
  const scrape = async () => {
    const response = await fetch(`${t.app.api.url}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
    return response.text();
  };

  it('counts events, notifications, attempts by outcome and the latency of deliveries', async () => {
    const { api } = await t.app.newEnvironment();
    // The count is the database's, which other test files share: this test adds to it.
    const pendingBefore = sample(await scrape(), 'plude_notifications_pending')!;
    await api.subscribe(t.receiver.url('/fails-once'), ['metrics.a']);
    await api.subscribe(t.receiver.url('/refuses'), ['metrics.b']);
    await api.subscribe(t.receiver.url('/slow'), ['metrics.c']);
    await api.subscribe('https://127.0.0.1:1/closed', ['metrics.d']);
    for (const type of ['metrics.a', 'metrics.b', 'metrics.c', 'metrics.d']) expect((await api.publish(type, { n: 1 })).status).toBe(202);
    expect((await api.publish('metrics.none', { n: 2 })).status).toBe(202); // no subscription: an event, no notification

    // The pending count is at most 5 s old (PENDING_COUNT_MAX_AGE_MS): wait for one made after the first 2xx too.
    const text = await waitFor(
      scrape,
      (s) =>
        ['2xx', '4xx', '5xx', 'timeout', 'network_error'].every((outcome) => (sample(s, `plude_delivery_attempts_total{outcome="${outcome}"}`) ?? 0) >= 1) &&
        sample(s, 'plude_notifications_pending') === pendingBefore + 3,
    );
    expect(sample(text, 'plude_events_published_total')).toBe(5);
    expect(sample(text, 'plude_notifications_created_total')).toBe(4);
    expect(sample(text, 'plude_delivery_attempts_total{outcome="2xx"}')).toBe(1);
    expect(sample(text, 'plude_delivery_attempts_total{outcome="3xx"}')).toBe(0);
    expect(sample(text, 'plude_delivery_latency_seconds_count')).toBe(1);
    const latency = sample(text, 'plude_delivery_latency_seconds_sum')!;
    expect(latency).toBeGreaterThan(0);
    expect(latency).toBeLessThan(60);
    // Three are still being retried: the 404, the slow receiver and the closed port.
    expect(sample(text, 'plude_notifications_pending')).toBe(pendingBefore + 3);
  });

  it('counts the workflows the outbox relay starts', async () => {
    const { id, api } = await t.app.newEnvironment();
    await api.subscribe(t.receiver.url('/recovered'), ['metrics.recovered']);
    const before = sample(await scrape(), 'plude_outbox_relay_starts_total') ?? 0;
    await storeWithoutDispatch(t.app, id, 'metrics.recovered', { n: 3 });
    expect(await t.app.api.relay.runOnce(0)).toBeGreaterThanOrEqual(1);
    expect(sample(await scrape(), 'plude_outbox_relay_starts_total')).toBeGreaterThanOrEqual(before + 1);
  });

  it('has the process metrics and the Temporal SDK worker metrics, all named plude_*', async () => {
    const text = await waitFor(scrape, (s) => s.includes('plude_temporal_worker_task_slots_available'));
    expect(text).toMatch(/^plude_process_cpu_user_seconds_total /m);
    expect(text).toMatch(/^plude_nodejs_eventloop_lag_seconds /m);
    expect(text).toMatch(/^plude_temporal_worker_task_slots_available\{.*worker_type="ActivityWorker"/m);
    const names = text
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.split(/[{ ]/)[0]);
    expect(names.filter((name) => !name.startsWith('plude_'))).toEqual([]);
  });

  it('no label carries a URL, a path or a payload', async () => {
    const text = await scrape();
    const ownLabels = text
      .split('\n')
      .filter((l) => l.startsWith('plude_') && !l.startsWith('plude_temporal_') && l.includes('{'))
      .flatMap((l) => [...l.matchAll(/(\w+)="([^"]*)"/g)].map(([, name, value]) => `${name}=${value}`));
    expect(ownLabels.length).toBeGreaterThan(0);
    for (const label of ownLabels)
      expect(label).toMatch(
        /^(outcome=(2xx|3xx|4xx|5xx|timeout|network_error)|reason=(rate|in_flight|breaker|environment)|to=(open|half-open|closed)|le=[\d.e+]+|le=\+Inf|(version|major|minor|patch|kind|space|type)=[\w.-]+)$/,
      );
    expect(text).not.toMatch(/https?:|\/hooks|\/fails-once|metrics\.a|"n":/);
  });

  it('every series docs/grafana-dashboard.json queries is one the process serves', async () => {
    const dashboard = JSON.parse(readFileSync(join(__dirname, '../../../docs/grafana-dashboard.json'), 'utf8')) as {
      panels: { targets: { expr: string }[] }[];
    };
    const queried = new Set(dashboard.panels.flatMap((panel) => panel.targets.flatMap((target) => target.expr.match(/plude_\w+/g) ?? [])));
    expect(queried.size).toBeGreaterThan(5);
    const text = await scrape();
    expect([...queried].filter((name) => !new RegExp(`^${name}[{ ]`, 'm').test(text))).toEqual([]);
  });
});
