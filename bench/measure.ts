import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import type { ApiClient } from '../test/support/api-client';
import { waitFor } from '../test/support/wait';
import { workflowStateOf } from '../test/support/workflows';
import { cpuSeconds, treeCpuSeconds, watchPeakRss } from './process-stats';
import type { BenchReceiver } from './receiver';
import { BENCH_TOKEN_SCOPES, type Target } from './targets';

const WARMUP = 30;
const run = randomBytes(3).toString('hex');
let serial = 0;
const nextTag = () => `t${run}-${serial++}`;
const now = () => performance.now();

export interface Latency {
  ack: number[];
  received: number[];
  /** Each event's tag, and when it was published and its POST received, in epoch ms (for bench/stages.ts). */
  timed: { tag: string; sentAt: number; receivedAt: number }[];
}

/** Events published one at a time: publish → the call returned, and publish → the POST arrived. */
export async function lowLoad(target: Target, receiver: BenchReceiver, events: number): Promise<Latency> {
  for (let i = 0; i < WARMUP; i++) {
    const tag = nextTag();
    await target.publish(tag);
    await receiver.arrival(tag);
  }
  const result: Latency = { ack: [], received: [], timed: [] };
  for (let i = 0; i < events; i++) {
    const tag = nextTag();
    const started = now();
    await target.publish(tag);
    result.ack.push(now() - started);
    const arrived = await receiver.arrival(tag);
    result.received.push(arrived - started);
    result.timed.push({ tag, sentAt: performance.timeOrigin + started, receivedAt: performance.timeOrigin + arrived });
  }
  return result;
}

/** The servers whose CPU a closed loop counts apart from the target's: Temporal's, and PostgreSQL's when the target uses it. */
export interface ServerPids {
  temporal?: number;
  postgres?: number;
}

export interface Capacity {
  perSecond: number;
  latencies: number[];
  /**
   * CPU seconds per delivery: the target's own processes, the Temporal server, PostgreSQL (null: not measured, or not
   * used), and the bench process itself (the load generator and the receiver), which shares the same cores.
   */
  cpuPerDelivery: { target: number; temporal: number; postgres: number | null; bench: number };
  peakRssMb: number;
}

/** This process's CPU seconds so far (user and system, every thread). */
function benchCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** Starts counting CPU now: the returned function gives each one's CPU seconds per delivery since, for `delivered`. */
function cpuMeter(target: Target, servers: ServerPids): (delivered: number) => Capacity['cpuPerDelivery'] {
  const own = () => target.pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  const before = { own: own(), temporal: cpuSeconds(servers.temporal), postgres: treeCpuSeconds(servers.postgres), bench: benchCpuSeconds() };
  return (delivered) => ({
    target: (own() - before.own) / delivered,
    temporal: (cpuSeconds(servers.temporal) - before.temporal) / delivered,
    postgres: servers.postgres === undefined ? null : (treeCpuSeconds(servers.postgres) - before.postgres) / delivered,
    bench: (benchCpuSeconds() - before.bench) / delivered,
  });
}

/**
 * CPU per delivery at a steady rate well below capacity (an open loop at `ratePerSecond` for `seconds`): with cores to
 * spare, less of it is the cost of waiting for one (contention) than in the closed loop, so two builds compare better.
 */
export async function steadyCost(
  target: Target,
  receiver: BenchReceiver,
  servers: ServerPids,
  ratePerSecond: number,
  seconds: number,
): Promise<{ latencies: number[]; cpuPerDelivery: Capacity['cpuPerDelivery'] }> {
  const cpu = cpuMeter(target, servers);
  const latencies = await openLoop(target, receiver, ratePerSecond, seconds);
  return { latencies, cpuPerDelivery: cpu(latencies.length) };
}

/**
 * Closed loop: `publishers` publishers, each publishing its next event only once its previous one was received,
 * for `seconds`. No backlog builds, so the rate is what the box sustains.
 */
export async function closedLoop(target: Target, receiver: BenchReceiver, servers: ServerPids, publishers: number, seconds: number): Promise<Capacity> {
  const cpu = cpuMeter(target, servers);
  const peak = watchPeakRss(target.pids[0]);
  const latencies: number[] = [];
  const started = now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: publishers }, async () => {
      while (now() < until) {
        const tag = nextTag();
        const t0 = now();
        await target.publish(tag);
        latencies.push((await receiver.arrival(tag)) - t0);
      }
    }),
  );
  const elapsed = (now() - started) / 1000;
  const delivered = latencies.length;
  return {
    perSecond: delivered / elapsed,
    latencies,
    cpuPerDelivery: cpu(delivered),
    peakRssMb: peak(),
  };
}

/**
 * Open loop: events published at a fixed rate for `seconds`, each one's publish → receive latency (in publishing
 * order); `timed`, when given, gets each one's tag and times as lowLoad's do (for bench/stages.ts).
 */
export async function openLoop(target: Target, receiver: BenchReceiver, ratePerSecond: number, seconds: number, timed?: Latency['timed']): Promise<number[]> {
  const interval = 1000 / ratePerSecond;
  const count = Math.floor(ratePerSecond * seconds);
  const started = now();
  const pending: Promise<number>[] = [];
  for (let i = 0; i < count; i++) {
    const due = started + i * interval;
    const wait = due - now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const tag = nextTag();
    const t0 = now();
    pending.push(
      target.publish(tag).then(async () => {
        const arrived = await receiver.arrival(tag);
        timed?.push({ tag, sentAt: performance.timeOrigin + t0, receivedAt: performance.timeOrigin + arrived });
        return arrived - t0;
      }),
    );
  }
  return Promise.all(pending);
}

export interface FanOut {
  subscriptions: number;
  acceptedMs: number;
  lastReceivedMs: number;
}

/** One event to `count` subscriptions of one environment, all on the same receiver host with different paths. */
export async function fanOut(target: Target & { admin: ApiClient }, receiver: BenchReceiver, count: number): Promise<FanOut> {
  const environment = `fan-${run}`;
  await target.admin.request('POST', '/admin/environments', { id: environment });
  const { body } = await target.admin.request('POST', `/admin/environments/${environment}/tokens`, BENCH_TOKEN_SCOPES);
  const api = target.admin.as({ token: body.token, environment, version: '2022-03' });
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < count) {
        const response = await api.subscribe(receiver.url(`/fan/${next++}`));
        if (response.status !== 200) throw new Error(`subscribe answered ${response.status}: ${JSON.stringify(response.body)}`);
      }
    }),
  );
  const tag = nextTag();
  const started = now();
  const published = await api.publish('bench.fanout', { tag });
  const acceptedMs = now() - started;
  if (published.status !== 202 || published.body.notifications !== count)
    throw new Error(`fan-out publish: ${published.status} ${JSON.stringify(published.body)}`);
  const { last } = await receiver.arrivals(tag, count);
  return { subscriptions: count, acceptedMs, lastReceivedMs: last - started };
}

export interface RateLimited {
  /** `live`: published as fast as 16 publishers go; `held`: published while the subscription was paused, then resumed. */
  mode: 'live' | 'held';
  events: number;
  rateLimit: number;
  /** First publish → the last 202. */
  publishedMs: number;
  /** The clock's start (the first publish; the resume when held) → the last POST the receiver saw. */
  lastReceivedMs: number;
  /** The most POSTs the receiver saw within any one second (a sliding window). */
  peakInAnySecond: number;
  /** The most POSTs the receiver saw in one second of its clock (what a receiver counting by the second sees). */
  peakPerClockSecond: number;
  /** Times a notification waited for its slot (plude_notifications_gated_total{reason="rate"}): 0 when the gate never bound. */
  rateWaits: number;
}

/** plude_notifications_gated_total{reason="rate"} of the target's process. */
async function rateWaits(target: Target & { admin: ApiClient }): Promise<number> {
  const text = await (await fetch(`${target.admin.baseUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('plude_notifications_gated_total{reason="rate"} '));
  if (line === undefined) throw new Error('no plude_notifications_gated_total{reason="rate"} in /metrics');
  return Number(line.split(' ')[1]);
}

/** The most `times` (ms) within any one second, and within one second of the wall clock. */
function peaks(unsorted: number[]): { peakInAnySecond: number; peakPerClockSecond: number } {
  const times = [...unsorted].sort((a, b) => a - b);
  const perClockSecond = new Map<number, number>();
  let peakInAnySecond = 0;
  for (let first = 0, last = 0; last < times.length; last++) {
    while (times[last] - times[first] >= 1000) first++;
    peakInAnySecond = Math.max(peakInAnySecond, last - first + 1);
    const second = Math.floor((performance.timeOrigin + times[last]) / 1000);
    perClockSecond.set(second, (perClockSecond.get(second) ?? 0) + 1);
  }
  return { peakInAnySecond, peakPerClockSecond: Math.max(...perClockSecond.values()) };
}

/** Runs `work` for each item, `concurrency` at a time. */
async function eachOf<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

/**
 * Issue 20's fan-out to one host with a rate limit: `count` events to ONE subscription with `rateLimit` (1 event to
 * 1,000 subscriptions would not test the limit: each subscription has its own). `live`: 16 publishers publish as fast
 * as the API takes them, while the deliveries run. `held`: the events are published while the subscription is
 * paused, every workflow holds (asked through `client`), then one PATCH resumes them all at once: the herd the
 * limit must pace. The receiver counts every POST it gets on the subscription's path.
 */
export async function rateLimited(
  target: Target & { admin: ApiClient },
  receiver: BenchReceiver,
  count: number,
  rateLimit: number,
  held?: { client: Client },
): Promise<RateLimited> {
  const mode = held ? 'held' : 'live';
  const environment = `rate-${mode}-${run}`;
  await target.admin.request('POST', '/admin/environments', { id: environment });
  const { body } = await target.admin.request('POST', `/admin/environments/${environment}/tokens`, BENCH_TOKEN_SCOPES);
  const api = target.admin.as({ token: body.token, environment, version: '2022-03' });
  const pathname = `/rate-${mode}-${run}`;
  const subscribed = await api.request('PUT', '/webhooks/subscribe', { url: receiver.url(pathname), rateLimit });
  if (subscribed.status !== 200) throw new Error(`subscribe answered ${subscribed.status}: ${JSON.stringify(subscribed.body)}`);
  const setStatus = async (status: string) => {
    const response = await api.request('PATCH', `/webhooks/subscriptions/${subscribed.body.id}`, { status });
    if (response.status !== 200) throw new Error(`PATCH status answered ${response.status}: ${JSON.stringify(response.body)}`);
  };
  if (held) await setStatus('paused');
  const watch = receiver.watch(pathname);
  const waitsBefore = await rateWaits(target);
  const events: string[] = [];
  const started = now();
  await eachOf(Array.from({ length: count }), 16, async () => {
    const published = await api.publish('bench.rate', { tag: nextTag() });
    if (published.status !== 202) throw new Error(`publish answered ${published.status}: ${JSON.stringify(published.body)}`);
    events.push(published.body.id);
  });
  const publishedMs = now() - started;
  let clock = started;
  if (held) {
    await eachOf(events, 16, async (id) => {
      const notification = (await api.request('GET', `/events/${id}`)).body.notifications[0].id as string;
      // Its start may still be under way: the publish was answered once the event was stored.
      await waitFor(
        () => workflowStateOf(held.client, notification),
        (state) => state?.status === 'held',
        { timeoutMs: 120_000, what: `${notification} held` },
      );
    });
    if (watch.times.length > 0) throw new Error(`${watch.times.length} POSTs arrived while the subscription was paused`);
    clock = now();
    await setStatus('active');
  }
  const times = await watch.until(count);
  const lastReceivedMs = Math.max(...times) - clock;
  return { mode, events: count, rateLimit, publishedMs, lastReceivedMs, ...peaks(times), rateWaits: (await rateWaits(target)) - waitsBefore };
}

export interface GateCost {
  /** The rate limit set for the `limited` runs: far above the capacity, so that it never makes a delivery wait. */
  neverBinding: number;
  /** The subscription as shipped, without a limit: the gate is decided from the row the attempt loads anyway. */
  unlimited: Capacity;
  /** The same subscription with `rateLimit: neverBinding`: each attempt also reserves its slot (one more statement). */
  limited: Capacity;
}

/** Several closed-loop runs as one: rates over the summed time, CPU per delivery over the summed deliveries. */
function merged(runs: Capacity[]): Capacity {
  const delivered = runs.reduce((sum, c) => sum + c.latencies.length, 0);
  const elapsed = runs.reduce((sum, c) => sum + c.latencies.length / c.perSecond, 0);
  const perDelivery = (cpu: (c: Capacity) => number) => runs.reduce((sum, c) => sum + cpu(c) * c.latencies.length, 0) / delivered;
  return {
    perSecond: delivered / elapsed,
    latencies: runs.flatMap((c) => c.latencies),
    cpuPerDelivery: {
      target: perDelivery((c) => c.cpuPerDelivery.target),
      temporal: perDelivery((c) => c.cpuPerDelivery.temporal),
      postgres: runs.some((c) => c.cpuPerDelivery.postgres === null) ? null : perDelivery((c) => c.cpuPerDelivery.postgres ?? 0),
      bench: perDelivery((c) => c.cpuPerDelivery.bench),
    },
    peakRssMb: Math.max(...runs.map((c) => c.peakRssMb)),
  };
}

/** Rounds of each kind in gateCost: short rounds, so that a change in the shared machine's load hits both. */
const ROUNDS = 4;

/**
 * The cost of the gate: closed-loop capacity of one subscription without a limit, and with a limit that never binds,
 * in alternating rounds on the same server (unlimited, limited, unlimited, …: `seconds` for each in all), so that
 * neither gets the fresher database or the quieter minute.
 */
export async function gateCost(
  target: Target & { api: ApiClient; subscriptionId: string },
  receiver: BenchReceiver,
  servers: ServerPids,
  publishers: number,
  seconds: number,
  neverBinding: number,
): Promise<GateCost> {
  const setRateLimit = async (rateLimit: number | null) => {
    const response = await target.api.request('PATCH', `/webhooks/subscriptions/${target.subscriptionId}`, { rateLimit });
    if (response.status !== 200 || response.body.rateLimit !== rateLimit)
      throw new Error(`PATCH rateLimit answered ${response.status}: ${JSON.stringify(response.body)}`);
  };
  const unlimited: Capacity[] = [];
  const limited: Capacity[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    await setRateLimit(null);
    unlimited.push(await closedLoop(target, receiver, servers, publishers, seconds / ROUNDS));
    await setRateLimit(neverBinding);
    limited.push(await closedLoop(target, receiver, servers, publishers, seconds / ROUNDS));
  }
  await setRateLimit(null);
  return { neverBinding, unlimited: merged(unlimited), limited: merged(limited) };
}

export interface Saturation {
  /** The offered rate, `factor` × the closed-loop capacity, for `seconds`. */
  factor: number;
  rate: number;
  seconds: number;
  /** Publishes sent, and the seconds the generator took to send them (more than `seconds`: it fell behind). */
  published: number;
  sendSeconds: number;
  /** publish → answer, every publish, in ms. */
  ack: number[];
  /** Answers that were not 202, by status (0: the request failed). */
  refused: Record<string, number>;
  /** Events accepted (202), each with one notification, and how many of them the receiver got (at least once). */
  accepted: number;
  delivered: number;
  /** Notifications the receiver got more than once. */
  duplicates: number;
  /** Accepted and not yet received when the last publish was answered. */
  backlog: number;
  /** The last publish's answer → the last of the backlog received (0 when nothing was left). */
  drainMs: number;
  /** What the process said during the run (from /metrics): the most starts queued at once, notifications left to the relay, the relay's starts, the worst event-loop lag p99 (ms). */
  peakQueued: number;
  leftToRelay: number;
  relayStarts: number;
  peakLoopLagMs: number;
  /** The bench process's own event-loop delay p99 while it published (ms): its load generator and receiver share it, so a high one inflates every figure above. */
  benchLagP99Ms: number;
}

/** The value of one sample of the Prometheus text `text` (0 when absent). */
function metric(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

/**
 * Publishing at `factor` × `capacity` for `seconds` (an open loop: each publish at its time, whatever the answers
 * before it), then waiting up to `drainLimitSeconds` for every accepted event to arrive. Measures each publish's answer
 * and status, the backlog when the publishing ended, and how long it took to deliver it. /metrics is scraped every
 * second meanwhile.
 */
export async function publishUnderSaturation(
  target: Target & { api: ApiClient; admin: ApiClient },
  receiver: BenchReceiver,
  capacity: number,
  factor: number,
  seconds: number,
  drainLimitSeconds: number,
): Promise<Saturation> {
  const rate = capacity * factor;
  const interval = 1000 / rate;
  const count = Math.floor(rate * seconds);
  const scrape = async () => (await fetch(`${target.admin.baseUrl}/metrics`)).text();
  const before = await scrape();
  let peakQueued = 0;
  let peakLoopLagMs = 0;
  const watch = async () => {
    const text = await scrape().catch(() => '');
    peakQueued = Math.max(peakQueued, metric(text, 'plude_outbox_starts_queued'));
    peakLoopLagMs = Math.max(peakLoopLagMs, 1000 * metric(text, 'plude_nodejs_eventloop_lag_p99_seconds'));
  };
  const watcher = setInterval(() => void watch(), 1000);
  const benchLag = monitorEventLoopDelay({ resolution: 10 });
  benchLag.enable();
  const ack: number[] = [];
  const refused: Record<string, number> = {};
  const accepted: string[] = [];
  const answers: Promise<void>[] = [];
  const started = now();
  try {
    for (let i = 0; i < count; i++) {
      const wait = started + i * interval - now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      const tag = nextTag();
      const t0 = now();
      answers.push(
        target.api.publish('bench.event', { tag }).then(
          (response) => {
            ack.push(now() - t0);
            if (response.status === 202) accepted.push(tag);
            else refused[response.status] = (refused[response.status] ?? 0) + 1;
          },
          () => {
            ack.push(now() - t0);
            refused[0] = (refused[0] ?? 0) + 1;
          },
        ),
      );
    }
    const sendSeconds = (now() - started) / 1000;
    await Promise.all(answers);
    benchLag.disable();
    const publishedAt = now();
    const backlog = accepted.filter((tag) => !receiver.seen(tag)).length;
    let deadline: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((resolve) => (deadline = setTimeout(resolve, drainLimitSeconds * 1000)));
    const arrivals: number[] = [];
    await Promise.race([Promise.all(accepted.map((tag) => receiver.arrival(tag).then((at) => void arrivals.push(at)))), limit]);
    clearTimeout(deadline);
    const last = Math.max(publishedAt, ...arrivals);
    await watch();
    const after = await scrape();
    return {
      factor,
      rate,
      seconds,
      published: count,
      sendSeconds,
      ack,
      refused,
      accepted: accepted.length,
      delivered: arrivals.length,
      duplicates: accepted.filter((tag) => receiver.times(tag) > 1).length,
      backlog,
      drainMs: last - publishedAt,
      peakQueued,
      leftToRelay: metric(after, 'plude_outbox_left_to_relay_total') - metric(before, 'plude_outbox_left_to_relay_total'),
      relayStarts: metric(after, 'plude_outbox_relay_starts_total') - metric(before, 'plude_outbox_relay_starts_total'),
      peakLoopLagMs,
      benchLagP99Ms: benchLag.percentile(99) / 1e6,
    };
  } finally {
    clearInterval(watcher);
    benchLag.disable();
  }
}
