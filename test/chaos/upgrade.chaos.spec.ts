import { MIGRATIONS } from '../../src/persistence/data-source';
import { chaosCase } from './support/chaos-case';
import { row, settleAndCount, subscribeReceivers } from './support/case-kit';
import { useChaosDeployment } from './support/deployment';
import { Ledger } from './support/ledger';

/** A deployment's first start: 2 × start:api and 2 × start:worker at the same moment, on an empty database. */
describe('upgrades', () => {
  const chaos = useChaosDeployment({ together: true });

  chaosCase(
    'U2',
    'four processes start at once on an empty database',
    'started 2 × start:api and 2 × start:worker at the same moment on an empty database, as `docker compose up` does; then 20 events to 2 subscriptions',
    async () => {
      const { topology } = chaos;
      const { rows: applied } = await topology.db.query<{ name: string }>('SELECT name FROM migrations ORDER BY id');
      expect(applied.map((m) => m.name)).toEqual(MIGRATIONS.map((m) => m.name));
      expect(topology.processes.map((p) => [p.name, p.running])).toEqual(topology.processes.map((p) => [p.name, true]));

      const env = await topology.newEnvironment();
      const { keys } = await subscribeReceivers(env, chaos.fleet, 'u2-', [() => 200, () => 200]);
      const ledger = new Ledger();
      for (let n = 0; n < 20; n++) await ledger.publish(env, 'upgrade.first-start', { n });
      expect(Object.fromEntries(ledger.answers)).toEqual({ 202: 20 });
      const counted = await settleAndCount(topology, ledger, chaos.fleet, keys, 120_000);
      expect(counted.delivered).toBe(40);
      expect(topology.processes.filter((p) => !p.running).map((p) => p.name)).toEqual([]);
      return row(counted, `${applied.length} migrations applied once, ${topology.processes.length} processes up`);
    },
  );
});
