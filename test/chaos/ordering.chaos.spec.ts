import { chaosCase } from './support/chaos-case';
import { row, settleAndCount } from './support/case-kit';
import type { RecordedRequest } from './support/counting-receiver';
import { useChaosDeployment } from './support/deployment';
import { Ledger } from './support/ledger';

/** Ordered delivery per key (issue 22) through a worker's death and a Temporal restart. */
describe('ordered delivery under faults', () => {
  const chaos = useChaosDeployment({ ownTemporal: true, setupTimeoutMs: 240_000 });

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
    'O1',
    'kill -9 a worker and restart Temporal mid ordered stream',
    '500 events over 20 ordering keys (each key published in sequence, the keys side by side) to a subscription with ordering "key" whose receiver answers after 20 ms; worker-1 killed with SIGKILL once 100 POSTs had arrived, the Temporal server restarted once 100 more had, then worker-1 started again',
    async () => {
      const env = await chaos.topology.newEnvironment();
      const subscribed = await env.clients[0].request('PUT', '/webhooks/subscribe', {
        url: chaos.fleet.receiver('o1-1', () => ({ status: 200, delayMs: 20 })),
        ordering: 'key',
      });
      expect(subscribed.status).toBe(200);
      const keys = new Map([[subscribed.body.id as string, [subscribed.body.signatureKey as string]]]);
      const ledger = new Ledger();
      const before = chaos.fleet.count;
      const orderingKeys = Array.from({ length: 20 }, (_, k) => `o1-key-${k}`);
      // Each key's events one after the other (publish order is the key's order); a publish without an answer is
      // not in the ledger, and the key goes on.
      const publishing = Promise.all(
        orderingKeys.map(async (key) => {
          for (let n = 0; n < 25; n++) await ledger.publish(env, 'order.o1', { key, n }, {}, { orderingKey: key });
        }),
      );
      await chaos.fleet.until(() => chaos.fleet.count - before >= 100, 120_000, 'ordered deliveries under way');
      const worker = chaos.topology.workers[0];
      await worker.kill();
      await chaos.fleet.until(() => chaos.fleet.count - before >= 200, 120_000, 'deliveries on the other worker');
      const restartedAt = Date.now();
      await chaos.topology.temporal!.restart();
      const downMs = Date.now() - restartedAt;
      await worker.start();
      await publishing;
      await allReady();
      const counted = await settleAndCount(chaos.topology, ledger, chaos.fleet, keys, 300_000);
      expect(counted.delivered).toBe(ledger.accepted.size);

      // Order, per key, as the receiver saw it: no POST of event n before a 2xx answered to event n - 1 of its key.
      const requests = chaos.fleet.server.requests.filter((r: RecordedRequest) => r.path === '/o1-1');
      const dataOf = (r: RecordedRequest) => (JSON.parse(r.text) as { data: { key: string; n: number } }).data;
      const answered2xx = new Map<string, number>();
      for (const r of requests) {
        const { key, n } = dataOf(r);
        const status = r.answer?.status;
        if (status !== undefined && status >= 200 && status < 300 && r.answeredAt !== undefined) {
          answered2xx.set(`${key} ${n}`, Math.min(answered2xx.get(`${key} ${n}`) ?? Infinity, r.answeredAt));
        }
      }
      const violations = requests.flatMap((r) => {
        const { key, n } = dataOf(r);
        const before = answered2xx.get(`${key} ${n - 1}`);
        return n === 0 || (before !== undefined && before <= r.at) ? [] : [`${key}: ${n} arrived at ${r.at}, ${n - 1} answered 2xx at ${before ?? 'never'}`];
      });
      expect(violations.slice(0, 5)).toEqual([]);
      return row(counted, `order held in all 20 keys; Temporal down ${(downMs / 1000).toFixed(1)} s; ${requests.length} POSTs`);
    },
  );
});
