import { loadavg } from 'node:os';
import { chaosCase } from './support/chaos-case';
import { publishAtRate, row, settleAndCount, subscribeReceivers } from './support/case-kit';
import { useChaosDeployment } from './support/deployment';
import {
  arrivedWithin,
  cpuByRole,
  cpuSpent,
  historiesOf,
  meanLatencies,
  ReceiptClock,
  type Sample,
  sampler,
  taskLatencies,
  workersMetric,
} from './support/fair-share-probe';
import { type Behaviour, ReceiverFleet } from './support/fleet';
import { Ledger } from './support/ledger';
import type { ChaosEnvironment } from './support/topology';

/** Each worker's activity slots: a quarter of the default, so that 50 tarpits fill them at a rate this machine can publish. */
const SLOTS = 50;
/** A's share: half of each worker's activity slots (ENVIRONMENT_MAX_IN_FLIGHT_SHARE's 0.5), on both workers. */
const SHARE = 2 * SLOTS * 0.5;
const ATTEMPT_TIMEOUT_MS = 5_000;
/** A tarpit answers only after the attempt has timed out: the worker has given up by then. */
const tarpit: Behaviour = () => ({ status: 200, delayMs: ATTEMPT_TIMEOUT_MS + 1_000 });
/** Environment B: 4 events a second to 2 healthy receivers, 160 events a phase. */
const B_RATE = 4;
const B_EVENTS = 160;
/**
 * Environment A: 5 events a second, each to one of its 50 tarpits in turn (each subscribes to its own event type), so
 * each tarpit gets one new notification every 10 s. None is ever delivered, and each pending notification wants an
 * attempt of 5 s every 6-7 s (its retries come 1-2 s after each timeout), so within half a minute A's notifications
 * want more than the 2 × 50 activity slots. A's volume stays below B's: 5 new notifications a second, B's 8.
 */
const A_PER_SECOND = 5;
const A_TARPITS = 50;

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** Publishes to A at A_PER_SECOND, to its tarpits' event types in turn, until stop() resolves it. */
function steadyPublisher(ledger: Ledger, env: ChaosEnvironment): { stop(): Promise<void> } {
  let stopped = false;
  const sent: Promise<unknown>[] = [];
  let n = 0;
  const publish = () => {
    sent.push(ledger.publish(env, tarpitType(n % A_TARPITS), { n: n++ }).catch(() => undefined));
  };
  const timer = setInterval(() => {
    if (!stopped) publish();
  }, 1000 / A_PER_SECOND);
  publish();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await Promise.all(sent);
    },
  };
}

const tarpitType = (i: number) => `load.tarpit.${i + 1}`;

/**
 * Fair share between environments (issue 20, README "Fair share between environments"): one environment's tarpits
 * beside another environment's healthy load, on the production topology (2 × start:api, 2 × start:worker).
 */
describe('fair share', () => {
  // The breaker's failure count is off, so that it does not stop A's attempts and hide the cap: A's notifications
  // keep their attempts going for the whole case (a Retry-After would still open it; tarpits send none).
  const chaos = useChaosDeployment({
    env: { DELIVERY_TIMEOUT: `${ATTEMPT_TIMEOUT_MS / 1000}s`, BREAKER_FAILURE_THRESHOLD: '0', WORKER_MAX_CONCURRENT_ACTIVITIES: String(SLOTS) },
  });

  chaosCase(
    'L4',
    'one environment of tarpits beside another',
    `environment B: ${B_EVENTS} events at ${B_RATE}/s to 2 healthy receivers, alone, then again while environment A publishes ${A_PER_SECOND} events a second, each to one of ${A_TARPITS} receivers in turn, that answer only after the ${ATTEMPT_TIMEOUT_MS / 1000} s attempt timeout; ${SLOTS} activity slots a worker, breaker failure count off`,
    async () => {
      const { topology, fleet } = chaos;
      const [a, b] = [await topology.newEnvironment(), await topology.newEnvironment()];
      const healthy = await subscribeReceivers(b, fleet, 'l4-b-', [() => 200, () => 200]);
      // A's receivers listen apart from B's, as another tenant's would: the worker's connections per origin are its own.
      const tarpits = await ReceiverFleet.start();
      chaos.onStop(() => tarpits.stop());
      for (let i = 0; i < A_TARPITS; i++) {
        const response = await a.clients[0].subscribe(tarpits.receiver(`l4-a-${i + 1}`, tarpit), [tarpitType(i)]);
        if (response.status !== 201 && response.status !== 200) throw new Error(`subscribe: ${response.status} ${JSON.stringify(response.body)}`);
      }
      const clock = new ReceiptClock();
      const publishB = async () => {
        const phase = new Ledger();
        const [cpu, latencies] = [cpuByRole(topology.workers, topology.apis), await taskLatencies(topology.workers)];
        await publishAtRate(phase, b, 'load.healthy', B_EVENTS, B_RATE, (l, env, type, data) => clock.publish(l, env, type, data));
        // A phase that does not settle still reports what it measured (then fails).
        const unsettled = await settleAndCount(topology, phase, fleet, healthy.keys, 120_000).then(
          () => null,
          (err: unknown) => err,
        );
        const spent = `CPU ${cpuSpent(cpu, cpuByRole(topology.workers, topology.apis))}; Temporal ${meanLatencies(latencies, await taskLatencies(topology.workers))}`;
        process.stderr.write(`[L4] phase: ${spent}\n`);
        return { phase, unsettled, latency: await clock.p95(topology.db, phase, fleet) };
      };

      const aloneLoad = load();
      const alone = await publishB();

      const ledgerA = new Ledger();
      const publisher = steadyPublisher(ledgerA, a);
      chaos.onStop(() => publisher.stop());
      const inFlight = () => arrivedWithin(tarpits, '/l4-a-', ATTEMPT_TIMEOUT_MS);
      // A takes what the cap lets it: its activity share on both workers (its local first attempts come on top).
      await tarpits.until(() => inFlight() >= SHARE, 90_000, `environment A at its cap (${inFlight()} in flight)`);
      const gatedBefore = await workersMetric(topology.workers, 'plude_notifications_gated_total', 'reason="environment"');
      const aRequestsBefore = tarpits.count;
      const sampling = sampler(inFlight);
      chaos.onStop(async () => sampling.stop());
      const started = Date.now();
      const besideLoad = load();
      const beside = await publishB();
      const seconds = (Date.now() - started) / 1000;
      const held = sampling.stop();
      const gated = (await workersMetric(topology.workers, 'plude_notifications_gated_total', 'reason="environment"')) - gatedBefore;
      const aAttempts = tarpits.count - aRequestsBefore;
      await publisher.stop();

      const summary =
        `B's p95 publish → receipt ${alone.latency.p95.toFixed(0)} ms alone (load ${aloneLoad}), ${beside.latency.p95.toFixed(0)} ms beside A (${(beside.latency.p95 / alone.latency.p95).toFixed(1)} ×; load ${besideLoad}); ` +
        `p50 ${alone.latency.p50.toFixed(0)} → ${beside.latency.p50.toFixed(0)} ms; ${alone.latency.samples} and ${beside.latency.samples} samples; ` +
        `A: ${ledgerA.accepted.size} notifications, in flight median ${held.median} (max ${held.max}), ${aAttempts} attempts and ${gated} waits for its share in ${seconds.toFixed(0)} s`;
      process.stderr.write(`[L4] ${summary}\n`);
      process.stderr.write(`[L4] B alone: ${partsOf(alone.latency.each, 2 * alone.latency.p95)}\n`);
      process.stderr.write(`[L4] B beside A: ${partsOf(beside.latency.each, 2 * alone.latency.p95)}\n`);
      const slowest = [...beside.latency.each].sort((x, y) => y.ms - x.ms).slice(0, 6);
      process.stderr.write(
        `[L4] slowest histories:\n${await historiesOf(process.env.CHAOS_TEMPORAL_ADDRESS ?? '', slowest).catch((e: unknown) => String(e))}\n`,
      );
      if (alone.unsettled || beside.unsettled) throw alone.unsettled ?? beside.unsettled;
      expect(alone.latency.samples).toBe(2 * B_EVENTS);
      expect(beside.latency.samples).toBe(2 * B_EVENTS);
      // A held its share all along, and no more: the comparison is with A at its cap, not with A idle, and the cap held
      // (without it A holds every slot of both workers: a median of 100 in flight, its turns none).
      expect(held.median).toBeGreaterThanOrEqual(SHARE * 0.8);
      expect(held.median).toBeLessThanOrEqual(SHARE);
      expect(gated).toBeGreaterThan(0);
      // None of B's waited behind one of A's timeouts. B's p95 beside A against B's alone (1.5-2.7 × with the cap, up
      // to 3.9 × on a busy machine, 3.6 × without the cap) is the CPU that A's attempts take from both: reported, not
      // asserted, as the standards keep timed ratios out of tests.
      expect(beside.latency.p95).toBeLessThan(ATTEMPT_TIMEOUT_MS / 2);
      const counted = await settleAndCount(topology, mergeLedgers(alone.phase, beside.phase), fleet, healthy.keys, 60_000);
      return row(counted, summary);
    },
    600_000,
  );
});

/** Where B's time from publish to receipt went, over all its samples and over those slower than `bound`. */
function partsOf(each: Sample[], bound: number): string {
  const slow = each.filter((e) => e.ms > bound);
  const mean = (pick: (e: Sample) => number, of: Sample[]) => (of.reduce((sum, e) => sum + pick(e), 0) / Math.max(1, of.length)).toFixed(0);
  const parts = (of: Sample[]) =>
    `publish → commit ${mean((e) => e.toCommit, of)} ms, commit → first attempt ${mean((e) => e.toAttempt, of)} ms, total ${mean((e) => e.ms, of)} ms`;
  return `all: ${parts(each)}; the ${slow.length} over ${bound.toFixed(0)} ms: ${parts(slow)}`;
}

/** One ledger of both phases' accepted events, for the final count. */
function mergeLedgers(...ledgers: Ledger[]): Ledger {
  const merged = new Ledger();
  for (const l of ledgers) for (const [id, n] of l.accepted) merged.accepted.set(id, n);
  return merged;
}
