import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { MIGRATIONS } from '../../src/persistence/data-source';
import { chaosCase } from './support/chaos-case';
import { publishAtRate, row, settleAndCount, subscribeReceivers } from './support/case-kit';
import { ATTEMPTS_PLANNED_PATCH, changedBuild } from './support/changed-build';
import { useChaosDeployment } from './support/deployment';
import { failFirst } from './support/fleet';
import { Ledger, tally } from './support/ledger';
import type { ServiceProcess } from './support/service-process';
import type { Topology } from './support/topology';

const { EventType, WorkflowTaskFailedCause } = temporal.api.enums.v1;
const NON_DETERMINISTIC = WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR;
/** `U1_UNGUARDED=1` ships the same change without patched(): the case must then fail (shown once, by hand). */
const GUARDED = process.env.U1_UNGUARDED !== '1';
const WINDOW_S = 45;

/** The SDK's marker for a patched() call that returned true: its details name the patch. */
function isPatchMarker(marker: temporal.api.history.v1.IMarkerRecordedEventAttributes | null | undefined): boolean {
  if (marker?.markerName !== 'core_patch') return false;
  const data = Object.values(marker.details ?? {}).flatMap((p) => p.payloads ?? []);
  return data.some((payload) =>
    Buffer.from(payload.data ?? [])
      .toString('utf8')
      .includes(ATTEMPTS_PLANNED_PATCH),
  );
}

/** What Temporal recorded of one notification's workflow: nondeterminism failures, and whether the patch ran. */
interface Replayed {
  nondeterministic: number;
  patched: boolean;
  startedAt: number;
}

async function readHistories(topology: Topology, ids: string[]): Promise<Replayed[]> {
  const connection = await Connection.connect({ address: process.env.CHAOS_TEMPORAL_ADDRESS! });
  try {
    const client = new Client({ connection });
    const read = async (id: string): Promise<Replayed> => {
      const events = (await client.workflow.getHandle(id).fetchHistory()).events ?? [];
      return {
        nondeterministic: events.filter((e) => e.workflowTaskFailedEventAttributes?.cause === NON_DETERMINISTIC).length,
        patched: events.some((e) => e.eventType === EventType.EVENT_TYPE_MARKER_RECORDED && isPatchMarker(e.markerRecordedEventAttributes)),
        startedAt: Number(events[0]?.eventTime?.seconds ?? 0) * 1000,
      };
    };
    const out: Replayed[] = [];
    for (let i = 0; i < ids.length; i += 20) out.push(...(await Promise.all(ids.slice(i, i + 20).map(read))));
    return out;
  } finally {
    await connection.close();
  }
}

/** Waits until none of the ledger's notifications is pending; their statuses by subscription. */
async function ended(topology: Topology, ledger: Ledger, timeoutMs: number): Promise<Map<string, Record<string, number>>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await topology.db.query<{ subscription_id: string; status: string; n: string }>(
      'SELECT subscription_id, status, count(*) AS n FROM notifications WHERE event_id = ANY($1) GROUP BY 1, 2',
      [[...ledger.accepted.keys()]],
    );
    if (!rows.some((r) => r.status === 'pending')) {
      const bySubscription = new Map<string, Record<string, number>>();
      for (const r of rows) bySubscription.set(r.subscription_id, { ...bySubscription.get(r.subscription_id), [r.status]: Number(r.n) });
      return bySubscription;
    }
    if (Date.now() > deadline) throw new Error(`notifications still pending after ${timeoutMs} ms: ${JSON.stringify(rows)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** README's rolling deploy: for each old worker, a new one is started and ready, then the old one gets SIGTERM. */
async function replaceWorkers(topology: Topology, buildRoot: string): Promise<ServiceProcess[]> {
  const started: ServiceProcess[] = [];
  for (const old of topology.workers) {
    started.push(await topology.addProcess('worker', {}, buildRoot));
    await old.stop('SIGTERM');
  }
  return started;
}

/** A release whose workflow changed, deployed worker by worker while notifications are mid-retry, held and asleep. */
describe('rolling upgrade', () => {
  const chaos = useChaosDeployment({
    // The breaker stays out of it (no failure count, no Retry-After): opening it would hold the failing subscriptions
    // back until their windows close, which is not what this case measures. Retries 5 s apart: workflows asleep.
    env: { DELIVERY_WINDOW: `${WINDOW_S}s`, RETRY_INITIAL_INTERVAL: '5s', RETRY_MAX_INTERVAL: '5s', BREAKER_FAILURE_THRESHOLD: '0' },
  });

  chaosCase(
    'U1',
    'workers replaced one by one by a release whose workflow changed',
    `3 events/s for 24 s to 4 subscriptions (fails twice; 503 once, the retries 5 s apart; paused until the deploy is done; always 500, a ${WINDOW_S} s window); once 25 requests arrived, worker-1 then worker-2 replaced (the new one started and ready, then the old one sent SIGTERM) by a build whose deliverNotification records an attempt count in its memo behind patched()`,
    async () => {
      const { topology, fleet } = chaos;
      const build = await changedBuild('u1', { guarded: GUARDED });
      chaos.onStop(() => build.remove());
      const env = await topology.newEnvironment();
      const { keys, ids } = await subscribeReceivers(env, fleet, 'u1-', [failFirst(2), failFirst(1, 503), () => 200, () => 500]);
      const [, , paused, failing] = ids;
      expect((await env.clients[0].request('PATCH', `/webhooks/subscriptions/${paused}`, { status: 'paused' })).status).toBe(200);

      const ledger = new Ledger();
      const load = publishAtRate(ledger, env, 'upgrade.rolling', 72, 3);
      await fleet.until(() => fleet.count >= 25, 30_000, '25 requests before the deploy');
      const deployStarted = Date.now();
      const newWorkers = await replaceWorkers(topology, build.root);
      expect((await env.clients[0].request('PATCH', `/webhooks/subscriptions/${paused}`, { status: 'active' })).status).toBe(200);
      await load;
      expect(Object.fromEntries(ledger.answers)).toEqual({ 202: 72 });

      const statuses = await ended(topology, ledger, (WINDOW_S + 60) * 1000);
      const outcome = Object.fromEntries(ids.map((id) => [id, statuses.get(id)]));
      const delivered = { succeeded: 72 };
      expect(outcome).toEqual({ [ids[0]]: delivered, [ids[1]]: delivered, [paused]: delivered, [failing]: { expired: 72 } });

      const notifications = await topology.db.query<{ id: string }>('SELECT id FROM notifications WHERE event_id = ANY($1)', [[...ledger.accepted.keys()]]);
      const histories = await readHistories(
        topology,
        notifications.rows.map((n) => n.id),
      );
      const nondeterministic = histories.reduce((sum, h) => sum + h.nondeterministic, 0);
      const logged = topology.processes.flatMap((p) => p.lines.filter((line) => /nondetermini|TMPRL1100/i.test(line)));
      expect({ nondeterministic, logged: logged.slice(0, 3) }).toEqual({ nondeterministic: 0, logged: [] });
      // The new code ran the workflows that the old one started: they carry the patch's marker from then on.
      const continued = histories.filter((h) => h.patched && h.startedAt < deployStarted).length;
      expect(continued).toBeGreaterThan(0);
      expect(newWorkers.every((w) => w.running)).toBe(true);

      const counted = await tally(topology.db, ledger, fleet.observations, keys);
      expect(counted).toMatchObject({ conflicting: 0, badSignatures: 0, disagreements: [], delivered: 3 * 72 });
      // The always-500 receiver's notifications expire by design; every other one was delivered.
      expect(counted.lost).toBe(72);
      return {
        ...row(counted),
        lost: counted.lost - 72,
        counted: `${counted.notifications} notifications: ${3 * 72} delivered, 72 expired as their receiver never answered 2xx; ${continued} started by the old workers carry the patch marker; 0 nondeterminism failures in ${histories.length} histories`,
      };
    },
    300_000,
  );
});

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
