import { chaosCase } from './support/chaos-case';
import { publishAtRate, row, settleAndCount, subscribeReceivers } from './support/case-kit';
import { useChaosDeployment } from './support/deployment';
import { Ledger } from './support/ledger';
import { progressAround } from './support/progress';

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
    '8 events/s for 20 s to 2 subscriptions on a Temporal cluster (frontend, matching, worker and 2 history hosts sharing 8 shards); the history host owning more shards killed with SIGKILL once 40 POSTs had arrived; its shards move to the other',
    async () => {
      const { topology, fleet } = chaos;
      const cluster = topology.cluster!;
      const env = await topology.newEnvironment();
      const { keys } = await subscribeReceivers(env, fleet, 'f8-', [() => 200, () => 200]);
      const paths = new Set(['/f8-1', '/f8-2']);
      const ledger = new Ledger();
      const before = fleet.count;
      let published = false;
      const publishing = publishAtRate(ledger, env, 'cluster.history', 160, 8).then(() => void (published = true));
      await fleet.until(() => fleet.count - before >= 40, 60_000, 'deliveries under way');

      const owners = await cluster.shardOwners();
      const owned = (host: { address: string }) => [...owners].filter(([, owner]) => owner === host.address).map(([shard]) => shard);
      const [victim, survivor] = [...cluster.history].sort((a, b) => owned(b).length - owned(a).length);
      const moved = new Set(owned(victim));
      expect(moved.size).toBeGreaterThan(0);
      expect(owned(survivor).length).toBeGreaterThan(0);
      const killedAt = Date.now();
      const loadWasOn = !published;
      await victim.kill();
      // Its shards move: the survivor takes each over (a new range id in the shards table, itself as the owner).
      for (;;) {
        const now = await cluster.shardOwners();
        if (now.size === cluster.numHistoryShards && [...now.values()].every((owner) => owner === survivor.address)) break;
        if (Date.now() - killedAt > 120_000) throw new Error(`the shards did not move to ${survivor.name} in 120 s:\n${cluster.logTail()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const movedMs = Date.now() - killedAt;
      expect(loadWasOn).toBe(true); // the kill came while events were still being published
      await publishing;
      const counted = await settleAndCount(topology, ledger, fleet, keys, 180_000);
      expect(counted.delivered).toBe(ledger.accepted.size * 2);

      // Which notifications' workflows lived on the moved shards: their deliveries went on after the kill.
      const { rows } = await topology.db.query<{ id: string }>('SELECT id FROM notifications WHERE event_id = ANY($1)', [[...ledger.accepted.keys()]]);
      const shards = await cluster.shardsOf(rows.map((r) => r.id));
      const affected = new Set([...shards].filter(([, shard]) => moved.has(shard)).map(([id]) => id));
      const p = progressAround(
        fleet.server.requests.filter((r) => paths.has(r.path)),
        killedAt,
        affected,
      );
      expect(p.affectedAfter).toBeGreaterThan(0);
      const answers = [...ledger.answers].map(([status, n]) => `${n} × ${status || 'no answer'}`).join(', ');
      return row(
        counted,
        [
          `${victim.name} owned ${moved.size} of ${cluster.numHistoryShards} shards; ${survivor.name} owned them all ${seconds(movedMs)} after the kill`,
          `time without progress: ${seconds(p.affectedGapMs)} without a delivery for the ${affected.size} notifications on the moved shards (${seconds(p.othersGapMs)} for the others; ${seconds(p.gapMs)} for all, ${seconds(p.gapBeforeMs)} before the kill)`,
          `publish → receive p50 ${seconds(p.latencyP50Ms)}, slowest ${seconds(p.latencyMaxMs)}`,
          `publish answers: ${answers}`,
        ].join('; '),
      );
    },
    240_000,
  );
});
