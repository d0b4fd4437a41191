import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Client } from 'pg';
import { publishAtRate, subscribeReceivers } from './support/case-kit';
import { type ChaosDeployment, useChaosDeployment } from './support/deployment';
import { Ledger, percentile, settled } from './support/ledger';

/**
 * Not a chaos case: a measurement for BENCHMARKS.md's "Past one box" (`npm run test:chaos -- --shapes`). The same
 * steady load on the deployment (2 × start:api, 2 × start:worker) against the single-process Temporal server and
 * against the cluster shape of F8; per process, the CPU seconds each delivery cost (/proc/<pid>/stat).
 */
const RATE = Number(process.env.SHAPES_RATE ?? 5); // events/s, each to 2 subscriptions
const WARM_SECONDS = 5;
const MEASURED_SECONDS = Number(process.env.SHAPES_SECONDS ?? 30);

/** user + system CPU seconds of a process so far (USER_HZ 100); 0 when it is gone. */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** The suite PostgreSQL's processes: its postmaster (from data_directory/postmaster.pid) and the postmaster's children. */
async function postgresPids(): Promise<number[]> {
  const client = new Client({ connectionString: process.env.CHAOS_PG_ADMIN_URL });
  await client.connect();
  const { rows } = await client.query<{ data_directory: string }>('SHOW data_directory');
  await client.end();
  const postmaster = Number(readFileSync(`${rows[0].data_directory}/postmaster.pid`, 'utf8').split('\n')[0]);
  const children = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster;
      } catch {
        return false;
      }
    })
    .map(Number);
  return [postmaster, ...children];
}

type Sampled = Record<string, () => number[]>;

async function measure(chaos: ChaosDeployment, shape: string, temporal: Sampled): Promise<void> {
  const { topology, fleet } = chaos;
  const env = await topology.newEnvironment();
  const prefix = `${shape}-`;
  await subscribeReceivers(env, fleet, prefix, [() => 200, () => 200]);
  const paths = new Set([`/${prefix}1`, `/${prefix}2`]);
  await publishAtRate(new Ledger(), env, 'shapes.warm', RATE * WARM_SECONDS, RATE);

  const pg = await postgresPids();
  const groups: Sampled = {
    ...temporal,
    'start:api ×2': () => topology.apis.map((p) => p.pid!),
    'start:worker ×2': () => topology.workers.map((p) => p.pid!),
    PostgreSQL: () => pg,
  };
  const cpu = () => Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, pids().reduce((sum, pid) => sum + cpuSeconds(pid), 0)]));
  const ledger = new Ledger();
  const firstIndex = fleet.server.requests.length;
  const before = cpu();
  const started = Date.now();
  await publishAtRate(ledger, env, 'shapes.steady', RATE * MEASURED_SECONDS, RATE);
  await settled(topology.db, ledger, 120_000);
  const after = cpu();
  const requests = fleet.server.requests
    .slice(firstIndex)
    .filter((r) => paths.has(r.path) && r.answer?.status === 200 && (JSON.parse(r.text) as { type: string }).type === 'shapes.steady');
  const wallSeconds = (Math.max(...requests.map((r) => r.at)) - started) / 1000;
  const latencies = requests.map((r) => r.at - Date.parse((JSON.parse(r.text) as { createdAt: string }).createdAt));
  const deliveries = requests.length;
  const perDelivery = Object.fromEntries(Object.keys(groups).map((name) => [name, (((after[name] - before[name]) / deliveries) * 1000).toFixed(2)]));
  const result = {
    shape,
    rate: `${RATE} events/s × 2 subscriptions for ${MEASURED_SECONDS} s`,
    deliveries,
    deliveriesPerSecond: (deliveries / wallSeconds).toFixed(1),
    p50Ms: percentile(latencies, 50).toFixed(0),
    p95Ms: percentile(latencies, 95).toFixed(0),
    cpuMsPerDelivery: perDelivery,
    loadAverage: loadavg().map((l) => l.toFixed(2)),
  };
  process.stderr.write(`[past-one-box] ${JSON.stringify(result)}\n`);
  expect(deliveries).toBe(ledger.accepted.size * 2);
}

describe('past one box: the same load on one Temporal process and on a cluster', () => {
  describe('single-process Temporal server', () => {
    const chaos = useChaosDeployment({ ownTemporal: true, setupTimeoutMs: 240_000 });
    it('steady load', () => measure(chaos, 'single', { 'temporal (all roles)': () => [chaos.topology.temporal!.pid()!] }), 300_000);
  });

  describe('Temporal cluster', () => {
    const chaos = useChaosDeployment({ temporalCluster: true, setupTimeoutMs: 240_000 });
    const role = (name: 'frontend' | 'matching' | 'worker') => () => [chaos.topology.cluster![name].pid()!];
    it(
      'steady load',
      () =>
        measure(chaos, 'cluster', {
          'temporal frontend': role('frontend'),
          'temporal matching': role('matching'),
          'temporal worker': role('worker'),
          'temporal history ×2': () => chaos.topology.cluster!.history.map((h) => h.pid()!),
        }),
      300_000,
    );
  });
});
