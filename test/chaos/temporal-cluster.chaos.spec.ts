import { chaosCase } from './support/chaos-case';
import { publishAtRate, row, settleAndCount, subscribeReceivers } from './support/case-kit';
import { useChaosDeployment } from './support/deployment';
import { Ledger } from './support/ledger';
import { deliveryGaps } from './support/progress';

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/**
 * Temporal past one box: the deployment (2 × start:api, 2 × start:worker) on a Temporal cluster of this file's own,
 * one process per service and two history hosts sharing 8 shards (test/chaos/support/temporal-cluster.ts).
 */
describe('Temporal cluster', () => {
  const chaos = useChaosDeployment({ temporalCluster: true, setupTimeoutMs: 240_000 });

  chaosCase(
    'F8',
    'kill -9 a Temporal history host under load',
    '10 events/s for 20 s to 2 subscriptions on a Temporal cluster (frontend, matching, worker, 2 history hosts, 8 shards); history-2 killed with SIGKILL once 60 POSTs had arrived; its shards move to history-1',
    async () => {
      const { topology, fleet } = chaos;
      const cluster = topology.cluster!;
      const [survivor, victim] = cluster.history;
      const env = await topology.newEnvironment();
      const { keys } = await subscribeReceivers(env, fleet, 'f8-', [() => 200, () => 200]);
      const paths = new Set(['/f8-1', '/f8-2']);
      const ledger = new Ledger();
      const before = fleet.count;
      let published = false;
      const publishing = publishAtRate(ledger, env, 'cluster.history', 200, 10).then(() => void (published = true));
      await fleet.until(() => fleet.count - before >= 60, 60_000, 'deliveries under way');

      const owned = [...(await cluster.shardOwners()).values()];
      const victimShards = owned.filter((owner) => owner === victim.address).length;
      expect(victimShards).toBeGreaterThan(0);
      const killedAt = Date.now();
      await victim.kill();
      // Its shards move: every shard is owned by the survivor (it took them over with a higher range id).
      let movedMs = 0;
      for (;;) {
        const owners = await cluster.shardOwners();
        if ([...owners.values()].every((owner) => owner === survivor.address) && owners.size === cluster.numHistoryShards) break;
        if (Date.now() - killedAt > 120_000) throw new Error(`the shards did not move to ${survivor.name} in 120 s:\n${cluster.logTail()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      movedMs = Date.now() - killedAt;
      expect(published).toBe(false); // the kill came while the load was still on
      await publishing;
      const counted = await settleAndCount(topology, ledger, fleet, keys, 180_000);
      expect(counted.delivered).toBe(ledger.accepted.size * 2);
      const gaps = deliveryGaps(
        fleet.server.requests.filter((r) => paths.has(r.path)),
        killedAt,
      );
      const answers = [...ledger.answers].map(([status, n]) => `${n} × ${status || 'no answer'}`).join(', ');
      return row(
        counted,
        [
          `${victimShards} of ${cluster.numHistoryShards} shards moved in ${seconds(movedMs)}`,
          `time without progress: no delivery for ${seconds(gaps.afterKillMs)} at most after the kill (${seconds(gaps.beforeKillMs)} before it)`,
          `publish → receive up to ${seconds(gaps.slowestAfterKillMs)} for events published from 5 s before the kill on (p50 ${gaps.p50BeforeKillMs.toFixed(0)} ms before it)`,
          `publish answers: ${answers}`,
        ].join('; '),
      );
    },
    240_000,
  );
});
