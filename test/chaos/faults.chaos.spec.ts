import { chaosCase } from './support/chaos-case';
import { row, settleAndCount, subscribeReceivers } from './support/case-kit';
import { useChaosDeployment } from './support/deployment';
import { Ledger } from './support/ledger';

/** Processes killed and stopped under load, on 2 × start:api and 2 × start:worker. */
describe('process faults', () => {
  const chaos = useChaosDeployment();

  /** Publishes `count` events, 16 requests in flight. */
  async function publishMany(ledger: Ledger, env: Parameters<Ledger['publish']>[0], type: string, count: number) {
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < count) await ledger.publish(env, type, { n: next++ });
      }),
    );
  }

  /**
   * `count` events to 2 receivers that answer after `answerAfterMs`, published 16 at a time; resolves once `arrived`
   * POSTs have reached the receivers, with the publishing still going on.
   */
  async function deliveriesUnderWay(prefix: string, answerAfterMs: number, count: number, arrived: number) {
    const env = await chaos.topology.newEnvironment();
    const slow = () => ({ status: 200, delayMs: answerAfterMs });
    const { keys } = await subscribeReceivers(env, chaos.fleet, prefix, [slow, slow]);
    const ledger = new Ledger();
    const before = chaos.fleet.count;
    const publishing = publishMany(ledger, env, `fault.${prefix}`, count);
    await chaos.fleet.until(() => chaos.fleet.count - before >= arrived, 60_000, 'POSTs under way');
    return { keys, ledger, publishing };
  }

  chaosCase(
    'F1',
    'kill -9 a worker mid-POST',
    '200 events to 2 receivers that answer after 1.5 s; worker-1 killed with SIGKILL once 40 POSTs are in flight or done, then started again',
    async () => {
      const { keys, ledger, publishing } = await deliveriesUnderWay('f1-', 1_500, 200, 40);
      const worker = chaos.topology.workers[0];
      await worker.kill();
      await publishing;
      await worker.start();
      const counted = await settleAndCount(chaos.topology, ledger, chaos.fleet, keys, 300_000);
      expect(counted.delivered).toBe(400);
      return row(counted, 'duplicates carry their first delivery’s webhook-id and bytes');
    },
  );

  chaosCase(
    'F5',
    'kill -9 an API right after its 202s',
    'api-2 answered 202 to 5 events for 100 subscriptions each and was killed with SIGKILL at once, while the rest of its workflow starts ran in the background; api-1’s dispatch recovery starts what was stored',
    async () => {
      const env = await chaos.topology.newEnvironment();
      const { keys } = await subscribeReceivers(
        env,
        chaos.fleet,
        'f5-',
        Array.from({ length: 100 }, () => () => 200),
      );
      const ledger = new Ledger();
      const api = chaos.topology.apis[1];
      const onApi2 = { ...env, clients: [env.clients[1]] };
      const answers = await Promise.all(Array.from({ length: 5 }, (_, n) => ledger.publish(onApi2, 'fault.api', { n })));
      await api.kill();
      expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
      const { rows } = await chaos.topology.db.query<{ n: string }>(
        'SELECT count(*) AS n FROM notifications WHERE event_id = ANY($1) AND dispatched_at IS NULL',
        [[...ledger.accepted.keys()]],
      );
      const undispatched = Number(rows[0].n);
      expect(undispatched).toBeGreaterThan(0); // else the case would not have tested the recovery
      await api.start();
      const counted = await settleAndCount(chaos.topology, ledger, chaos.fleet, keys, 300_000);
      expect(counted.delivered).toBe(ledger.accepted.size * 100);
      return row(counted, `${undispatched} of 500 notifications not yet started when it died`);
    },
  );

  chaosCase(
    'F6',
    'one Idempotency-Key, 10 concurrent publishes',
    '10 publishes with the same Idempotency-Key at once, over both API processes, to 2 subscriptions',
    async () => {
      const env = await chaos.topology.newEnvironment();
      const { keys } = await subscribeReceivers(env, chaos.fleet, 'f6-', [() => 200, () => 200]);
      const ledger = new Ledger();
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => ledger.publish(env, 'fault.idempotent', { once: true }, { 'idempotency-key': 'f6-same-key' })),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(10).fill(202));
      expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
      const { rows } = await chaos.topology.db.query<{ n: string }>('SELECT count(*) AS n FROM events WHERE environment_id = $1', [env.id]);
      expect(Number(rows[0].n)).toBe(1);
      const counted = await settleAndCount(chaos.topology, ledger, chaos.fleet, keys, 60_000);
      expect(counted.delivered).toBe(2);
      const webhookIds = new Set(chaos.fleet.observations.filter((o) => String(o.body).includes('"once":true')).map((o) => o.headers['webhook-id']));
      expect(webhookIds.size).toBe(2);
      return row(counted, '10 answers, 1 event id, 1 stored event, 2 webhook-ids');
    },
  );

  chaosCase(
    'F7',
    'SIGTERM a worker while it delivers',
    '100 events to 2 receivers that answer after 2 s; worker-1 sent SIGTERM while POSTs were in flight, then started again',
    async () => {
      const { keys, ledger, publishing } = await deliveriesUnderWay('f7-', 2_000, 100, 20);
      const worker = chaos.topology.workers[0];
      const signalled = Date.now();
      const code = await worker.stop('SIGTERM');
      const drainedMs = Date.now() - signalled;
      expect(code).toBe(0);
      // The worker's shutdownGraceTime is 10 s; it must have drained within it (plus the process's own exit).
      expect(drainedMs).toBeLessThan(15_000);
      await publishing;
      await worker.start();
      const counted = await settleAndCount(chaos.topology, ledger, chaos.fleet, keys, 300_000);
      expect(counted.delivered).toBe(200);
      return row(counted, `worker exited 0 ${(drainedMs / 1000).toFixed(1)} s after SIGTERM`);
    },
  );
});
