import { chaosCase } from './support/chaos-case';
import { mergeKeys, publishAtRate, row, settleAndCount, subscribeReceivers } from './support/case-kit';
import { useChaosDeployment } from './support/deployment';
import { failFirst } from './support/fleet';
import { Ledger, percentile, settled } from './support/ledger';

/**
 * How long L1 publishes. The issue asks for 60 s; on the 2-core machines CI runs on, this topology delivers about
 * 25 notifications a second, so 60 s of 150 notifications a second (9,000, with 3,600 retries) takes 10-15 minutes
 * to drain, past the suite's 15-minute budget. CI runs the same rate for 20 s; CHAOS_L1_SECONDS=60 runs the full one.
 */
const L1_SECONDS = Number(process.env.CHAOS_L1_SECONDS ?? 20);

/** Load on the production topology: 2 × start:api, 2 × start:worker, PostgreSQL-backed Temporal. */
describe('load', () => {
  // 10 s attempts: L3's receiver answers after 9 s, which is on time. The breaker's failure count is off: L1's
  // receivers fail two attempts of every notification, which at 30 events/s opens their breakers again and again
  // (rightly: they fail two requests in three), and these cases measure throughput, not the breaker (the gate's e2e
  // tests and the operational webhooks' do). A 429 or 503 with Retry-After would still open it.
  const chaos = useChaosDeployment({ env: { DELIVERY_TIMEOUT: '10s', BREAKER_FAILURE_THRESHOLD: '0' } });

  chaosCase(
    'L1',
    'steady load with failing receivers',
    `30 events/s for ${L1_SECONDS} s to 5 subscriptions; 2 of the 5 receivers answer 500 twice to every notification before a 200`,
    async () => {
      const env = await chaos.topology.newEnvironment();
      const { keys } = await subscribeReceivers(env, chaos.fleet, 'l1-', [failFirst(2), failFirst(2), () => 200, () => 200, () => 200]);
      const ledger = new Ledger();
      await publishAtRate(ledger, env, 'load.steady', 30 * L1_SECONDS, 30);
      expect({ answers: Object.fromEntries(ledger.answers), refusals: [...ledger.refusals] }).toEqual({ answers: { 202: 30 * L1_SECONDS }, refusals: [] });
      expect(ledger.accepted.size).toBe(30 * L1_SECONDS);
      const counted = await settleAndCount(chaos.topology, ledger, chaos.fleet, keys, 60_000 + L1_SECONDS * 15_000);
      expect(counted.delivered).toBe(150 * L1_SECONDS);
      return row(counted, `publish p95 ${percentile(ledger.publishMs, 95).toFixed(0)} ms`);
    },
    120_000 + L1_SECONDS * 16_000,
  );

  chaosCase(
    'L2',
    'a burst',
    '500 events published at once (32 requests in flight) to 5 subscriptions',
    async () => {
      const env = await chaos.topology.newEnvironment();
      const { keys } = await subscribeReceivers(env, chaos.fleet, 'l2-', [() => 200, () => 200, () => 200, () => 200, () => 200]);
      const ledger = new Ledger();
      let next = 0;
      await Promise.all(
        Array.from({ length: 32 }, async () => {
          while (next < 500) await ledger.publish(env, 'load.burst', { n: next++ });
        }),
      );
      expect({ answers: Object.fromEntries(ledger.answers), refusals: [...ledger.refusals] }).toEqual({ answers: { 202: 500 }, refusals: [] });
      expect(ledger.accepted.size).toBe(500);
      const counted = await settleAndCount(chaos.topology, ledger, chaos.fleet, keys, 600_000);
      expect(counted.delivered).toBe(2500);
      return row(counted, `publish p95 ${percentile(ledger.publishMs, 95).toFixed(0)} ms`);
    },
    900_000,
  );

  chaosCase(
    'L3',
    'one slow receiver',
    'one receiver answers every request after 9 s, 4 others at once; 2 events/s for 30 s, after the same load without the slow receiver',
    async () => {
      const env = await chaos.topology.newEnvironment();
      const fast = await subscribeReceivers(env, chaos.fleet, 'l3-fast-', [() => 200, () => 200, () => 200, () => 200]);
      // Baseline: the same load with no slow receiver.
      const baseline = new Ledger();
      await publishAtRate(baseline, env, 'load.slow', 60, 2);
      await settled(chaos.topology.db, baseline, 120_000);
      const slow = await subscribeReceivers(env, chaos.fleet, 'l3-slow-', [() => ({ status: 200, delayMs: 9_000 })]);
      const ledger = new Ledger();
      await publishAtRate(ledger, env, 'load.slow', 60, 2);
      const counted = await settleAndCount(chaos.topology, ledger, chaos.fleet, mergeKeys(fast.keys, slow.keys), 120_000);
      expect(counted.delivered).toBe(300);
      // The fast receivers get theirs as quickly as without the slow one: publish → their attempt's 2xx, p95.
      const fastLatency = async (l: Ledger) => {
        const { rows } = await chaos.topology.db.query<{ ms: number }>(
          `SELECT extract(epoch FROM a.ended_at - e.created_at) * 1000 AS ms FROM attempts a JOIN notifications n ON n.id = a.notification_id
           JOIN events e ON e.id = n.event_id WHERE n.event_id = ANY($1) AND n.subscription_id = ANY($2) AND a.succeeded`,
          [[...l.accepted.keys()], [...fast.keys.keys()]],
        );
        return percentile(
          rows.map((r) => Number(r.ms)),
          95,
        );
      };
      const [before, during] = [await fastLatency(baseline), await fastLatency(ledger)];
      const publishBefore = percentile(baseline.publishMs, 95);
      const publishDuring = percentile(ledger.publishMs, 95);
      // Bounds for a busy 2-core machine; the slow receiver's 9 s would show far beyond them.
      expect(during).toBeLessThan(Math.max(2 * before, before + 1_000));
      expect(publishDuring).toBeLessThan(Math.max(2 * publishBefore, publishBefore + 250));
      return row(
        counted,
        `fast receivers' p95 publish → 2xx ${before.toFixed(0)} ms alone, ${during.toFixed(0)} ms beside the slow one; publish p95 ${publishBefore.toFixed(0)} → ${publishDuring.toFixed(0)} ms`,
      );
    },
    400_000,
  );
});
