import { chaosCase } from './support/chaos-case';
import { publishAtRate, row, settleAndCount, subscribeReceivers } from './support/case-kit';
import { useChaosDeployment } from './support/deployment';
import { Ledger } from './support/ledger';

/** The servers under the service fail: a Temporal server and a PostgreSQL of this file's own, which it stops. */
describe('infrastructure faults', () => {
  const chaos = useChaosDeployment({ ownPostgres: true, ownTemporal: true, setupTimeoutMs: 240_000 });

  /** Every process of the deployment answers /health/ready again. */
  async function allReady(timeoutMs = 120_000) {
    const deadline = Date.now() + timeoutMs;
    for (const p of [...chaos.topology.apis, ...chaos.topology.workers]) {
      while (!(await p.ready())) {
        if (Date.now() > deadline) throw new Error(`${p.name} not ready again within ${timeoutMs} ms:\n${p.tail()}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }

  chaosCase(
    'F2',
    'restart the Temporal server under load',
    '20 events/s for 20 s to 2 subscriptions; the Temporal server stopped (SIGTERM) once 100 POSTs had arrived, and started again',
    async () => {
      const env = await chaos.topology.newEnvironment();
      const { keys } = await subscribeReceivers(env, chaos.fleet, 'f2-', [() => 200, () => 200]);
      const ledger = new Ledger();
      const before = chaos.fleet.count;
      const publishing = publishAtRate(ledger, env, 'infra.temporal', 400, 20);
      await chaos.fleet.until(() => chaos.fleet.count - before >= 100, 60_000, 'deliveries under way');
      const restartedAt = Date.now();
      await chaos.topology.temporal!.restart();
      const downMs = Date.now() - restartedAt;
      await publishing;
      await allReady();
      const counted = await settleAndCount(chaos.topology, ledger, chaos.fleet, keys, 300_000);
      expect(counted.delivered).toBe(ledger.accepted.size * 2);
      const answers = [...ledger.answers].map(([status, n]) => `${n} × ${status || 'no answer'}`).join(', ');
      return row(counted, `Temporal down ${(downMs / 1000).toFixed(1)} s; publish answers: ${answers}`);
    },
  );

  chaosCase(
    'F3',
    'stop PostgreSQL during publishing',
    '20 events/s for 15 s to 2 subscriptions; the service’s PostgreSQL stopped 4 s in and started 5 s later',
    async () => {
      const env = await chaos.topology.newEnvironment();
      const { keys } = await subscribeReceivers(env, chaos.fleet, 'f3-', [() => 200, () => 200]);
      const ledger = new Ledger();
      const publishing = publishAtRate(ledger, env, 'infra.db-publish', 300, 20);
      // 4 s into the open-loop publishing (80 of 300 sent), whatever the deliveries are doing: the outage is the publishes'.
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      await chaos.topology.postgres!.stop();
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      await chaos.topology.postgres!.start();
      await publishing;
      // What the API answered while the database was down: 503, quickly.
      const answered = Object.fromEntries(ledger.answers);
      expect(Object.keys(answered).filter((status) => status !== '202' && status !== '503')).toEqual([]);
      expect(ledger.answers.get(503) ?? 0).toBeGreaterThan(0);
      await allReady();
      // Nothing half-stored: every stored event of the environment was answered 202, with all its notifications.
      const { rows } = await chaos.topology.db.query<{ id: string; n: string }>(
        'SELECT e.id, count(n.id) AS n FROM events e LEFT JOIN notifications n ON n.event_id = e.id WHERE e.environment_id = $1 GROUP BY e.id',
        [env.id],
      );
      expect(rows.filter((r) => !ledger.accepted.has(r.id))).toEqual([]);
      expect(rows.filter((r) => Number(r.n) !== 2)).toEqual([]);
      const counted = await settleAndCount(chaos.topology, ledger, chaos.fleet, keys, 300_000);
      expect(counted.delivered).toBe(ledger.accepted.size * 2);
      return row(counted, `${ledger.answers.get(503)} publishes answered 503 during the outage; ${rows.length} events stored, all whole`);
    },
  );

  chaosCase(
    'F4',
    'stop PostgreSQL while attempts are recorded',
    '150 events to 2 subscriptions (at 30/s); the service’s PostgreSQL stopped once 60 POSTs had arrived, and started 5 s later',
    async () => {
      const env = await chaos.topology.newEnvironment();
      const { keys } = await subscribeReceivers(env, chaos.fleet, 'f4-', [() => 200, () => 200]);
      const ledger = new Ledger();
      const before = chaos.fleet.count;
      const publishing = publishAtRate(ledger, env, 'infra.db-attempts', 150, 30);
      await chaos.fleet.until(() => chaos.fleet.count - before >= 60, 60_000, 'POSTs under way');
      await chaos.topology.postgres!.stop();
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      await chaos.topology.postgres!.start();
      await publishing;
      await allReady();
      // settleAndCount asserts exactly one successful attempt stored for every delivered notification.
      const counted = await settleAndCount(chaos.topology, ledger, chaos.fleet, keys, 300_000);
      expect(counted.delivered).toBe(ledger.accepted.size * 2);
      return row(counted, 'one successful attempt stored per notification');
    },
  );
});
