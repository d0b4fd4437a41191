import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Client } from '@temporalio/client';
import { obtainTemporalCli } from '../../src/dev/temporal-cli';
import { deliveryPolicyOf } from '../../src/config/config';
import { newId } from '../../src/domain/ids';
import { EventRepository } from '../../src/persistence/repositories/event.repository';
import { notificationStateQuery } from '../../workflows/definitions';
import { purgeData } from '../../workflows/purge-data';
import type { ApiClient } from '../support/api-client';
import { waitFor } from '../support/wait';
import { HttpsReceiver } from '../support/https-receiver';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Records one history for every path a notification or a recovery can take, from the real stack (the API, the
 * worker, the suite's Temporal dev server and PostgreSQL), into test/replay/histories/<version>/<path>.json, as the Temporal
 * CLI exports them (`temporal workflow show --output json`). `npm run replay:record`; then replay.spec.ts replays them.
 */
/** One folder per release (package.json's version): a release's histories stay while its workflows may run. */
const HISTORIES = join(__dirname, 'histories', (JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { version: string }).version);
const run = promisify(execFile);

/** A recorded run: which history file it goes to. */
interface Recorded {
  name: string;
  workflowId: string;
  runId: string;
}

/**
 * Per path: /flaky fails twice, /retry-after asks for 1 s once, /gone and /ordered answer 410 and 500 until healed,
 * /down always 500.
 */
const healed = new Set<string>();
let receiver: HttpsReceiver;
const respond = (path: string) => {
  const seen = receiver.forPath(path).length;
  if (healed.has(path)) return 204;
  if (path === '/flaky') return seen <= 2 ? 500 : 204;
  if (path === '/retry-after') return seen <= 1 ? { status: 503, headers: { 'retry-after': '1' } } : 204;
  if (path === '/gone') return 410;
  if (path === '/ordered') return 500;
  if (path.startsWith('/down')) return 500;
  return 204;
};

const apps: Record<string, TestApp> = {};
let cliPath: string;

beforeAll(async () => {
  receiver = await HttpsReceiver.start((_, request) => respond(request.path));
  const base = { NODE_EXTRA_CA_CERTS: receiver.caFile, RETRY_INITIAL_INTERVAL: '300ms', RETRY_MAX_INTERVAL: '1s', DELIVERY_TIMEOUT: '1s' };
  [apps.local, apps.activity, apps.short, apps.recovery, cliPath] = await Promise.all([
    startTestApp(base),
    startTestApp({ ...base, DELIVERY_FIRST_ATTEMPT: 'activity' }),
    // Windows short enough to watch them close.
    startTestApp({ ...base, DELIVERY_WINDOW: '4s' }),
    // One notification a page and one page a run: a recovery of two continues as new once.
    startTestApp({ ...base, RECOVERY_PAGE_SIZE: '1', RECOVERY_PAGES_PER_RUN: '1' }),
    obtainTemporalCli((line) => process.stderr.write(`${line}\n`)),
  ]);
});
afterAll(async () => {
  await Promise.all(Object.values(apps).map((app) => app.close()));
  await receiver?.stop();
});

/** Subscribes the path in a fresh environment and publishes one event; returns its notification's ID. */
async function publishTo(app: TestApp, path: string, before?: (api: ApiClient, subscriptionId: string) => Promise<unknown>) {
  const { api } = await app.newEnvironment();
  const { body: subscription } = await api.subscribe(receiver.url(path));
  await before?.(api, subscription.id as string);
  const published = await api.publish('replay.recorded', { path });
  const event = await waitFor(
    () => api.request('GET', `/events/${published.body.id}`),
    (r) => r.body.notifications.length === 1,
  );
  return { api, subscriptionId: subscription.id as string, id: event.body.notifications[0].id as string };
}

/** Waits for the workflow's run to close and names it. */
async function closed(client: Client, name: string, workflowId: string, runId?: string): Promise<Recorded> {
  const handle = client.workflow.getHandle(workflowId, runId);
  await handle.result().catch(() => undefined); // a cancelled run rejects
  const { runId: closedRunId } = await handle.describe();
  return { name, workflowId, runId: closedRunId };
}

const held = (app: TestApp, id: string) =>
  waitFor(
    () => app.client.workflow.getHandle(id).query(notificationStateQuery),
    (s) => s.status === 'held',
  );
const pause = (api: ApiClient, subscriptionId: string) => api.request('PATCH', `/webhooks/subscriptions/${subscriptionId}`, { status: 'paused' });
const activate = (api: ApiClient, subscriptionId: string) => api.request('PATCH', `/webhooks/subscriptions/${subscriptionId}`, { status: 'active' });

/** An ordered subscription (issue 22) of the path, and `count` events of one ordering key; their notifications' IDs. */
async function publishOrdered(app: TestApp, path: string, count: number) {
  const { api } = await app.newEnvironment();
  const { body: subscription } = await api.request('PUT', '/webhooks/subscribe', { url: receiver.url(path), ordering: 'key' });
  const ids: string[] = [];
  for (let n = 0; n < count; n++) {
    const published = await api.request('POST', '/events', { type: 'replay.recorded', data: { path, n }, orderingKey: 'replay' });
    const event = await waitFor(
      () => api.request('GET', `/events/${published.body.id}`),
      (r) => r.body.notifications.length === 1,
    );
    ids.push(event.body.notifications[0].id as string);
  }
  return { api, subscriptionId: subscription.id as string, ids };
}

/**
 * rateLimit 1: four quick events take slots 1.1 s apart, in the order their first attempts run; the one that arrives
 * last had its slot about 3.3 s away, beyond the 1.6 s an attempt waits for inside itself (EARLY_MS), so its local first
 * attempt was gated and waited for the slot. Its notification's run, once closed.
 */
async function gatedFirstAttempt(name: string, path: string): Promise<Recorded[]> {
  const { api } = await apps.local.newEnvironment();
  const { body: subscription } = await api.request('PUT', '/webhooks/subscribe', { url: receiver.url(path), rateLimit: 1 });
  if (subscription.rateLimit !== 1) throw new Error(`subscribe did not take rateLimit: ${JSON.stringify(subscription)}`);
  for (let i = 0; i < 4; i++) await api.publish('replay.recorded', { path, i });
  const arrivals = await receiver.arrived(path, 4, { timeoutMs: 20_000 });
  return [await closed(apps.local.client, name, arrivals[3].headers['webhook-id'])];
}

const paths: Record<string, () => Promise<Recorded[]>> = {
  async 'first-try-local'() {
    const { id } = await publishTo(apps.local, '/first-try');
    return [await closed(apps.local.client, 'first-try-local', id)];
  },
  async 'first-try-activity'() {
    const { id } = await publishTo(apps.activity, '/first-try-activity');
    return [await closed(apps.activity.client, 'first-try-activity', id)];
  },
  async 'retries-then-success'() {
    const { id } = await publishTo(apps.local, '/flaky');
    return [await closed(apps.local.client, 'retries-then-success', id)];
  },
  // Recorded before the patch 'rate-wait-by-retry': the workflow sleeps until the slot, then the regular activity.
  // Re-recorded today, it takes the patched shape below.
  'gated-first-attempt-local': () => gatedFirstAttempt('gated-first-attempt-local', '/gated'),
  // The patch's marker, then the regular activity at once, which the gate sends back (its retry) just before the slot.
  'gated-first-attempt-by-retry': () => gatedFirstAttempt('gated-first-attempt-by-retry', '/gated-by-retry'),
  async 'retry-after'() {
    const { id } = await publishTo(apps.local, '/retry-after');
    return [await closed(apps.local.client, 'retry-after', id)];
  },
  async 'held-by-pause-then-released'() {
    const { api, subscriptionId, id } = await publishTo(apps.local, '/paused', pause);
    await held(apps.local, id);
    await activate(api, subscriptionId);
    return [await closed(apps.local.client, 'held-by-pause-then-released', id)];
  },
  async 'held-then-released-locally'() {
    // Recorded after patch 'local-after-hold': the try after the release is a local activity, after the patch's marker.
    const { api, subscriptionId, id } = await publishTo(apps.local, '/paused-then-local', pause);
    await held(apps.local, id);
    await activate(api, subscriptionId);
    return [await closed(apps.local.client, 'held-then-released-locally', id)];
  },
  async 'held-then-expired'() {
    const { id } = await publishTo(apps.short, '/paused-until-expiry', pause);
    return [await closed(apps.short.client, 'held-then-expired', id)];
  },
  async 'disabled-by-410-then-released'() {
    const { api, subscriptionId, id } = await publishTo(apps.local, '/gone');
    await held(apps.local, id);
    healed.add('/gone');
    await activate(api, subscriptionId);
    return [await closed(apps.local.client, 'disabled-by-410-then-released', id)];
  },
  async 'expired-at-deadline'() {
    const { id } = await publishTo(apps.short, '/down-until-expiry');
    return [await closed(apps.short.client, 'expired-at-deadline', id)];
  },
  async 'cancelled-by-delete'() {
    const { api, subscriptionId, id } = await publishTo(apps.local, '/down-until-deleted');
    await waitFor(
      () => api.request('GET', `/notifications/${id}`),
      (r) => r.body.attemptCount >= 2,
    );
    await api.request('DELETE', `/webhooks/subscriptions/${subscriptionId}`);
    return [await closed(apps.local.client, 'cancelled-by-delete', id)];
  },
  async redelivered() {
    const { api, id } = await publishTo(apps.local, '/redelivered');
    const first = await closed(apps.local.client, 'redelivered', id);
    const redelivery = await api.request('POST', `/notifications/${id}/redeliver`);
    if (redelivery.status !== 202) throw new Error(`redelivery refused: ${JSON.stringify(redelivery.body)}`);
    const second = await waitFor(
      () => apps.local.client.workflow.getHandle(id).describe(),
      (d) => d.runId !== first.runId && d.status.name !== 'RUNNING',
    );
    return [{ name: 'redelivered', workflowId: id, runId: second.runId }];
  },
  async 'ordered-waited-for-turn'() {
    // The head fails until healed; the second waits for its turn, gets it from the head's end, and passes it on.
    const { ids } = await publishOrdered(apps.local, '/ordered', 2);
    await waitFor(
      () => apps.local.client.workflow.getHandle(ids[1]).query(notificationStateQuery),
      (s) => s.status === 'waiting',
    );
    healed.add('/ordered');
    return [await closed(apps.local.client, 'ordered-head-passes-turn', ids[0]), await closed(apps.local.client, 'ordered-waited-for-turn', ids[1])];
  },
  async 'ordered-skipped'() {
    const { api, ids } = await publishOrdered(apps.local, '/down-until-skipped', 1);
    await waitFor(
      () => api.request('GET', `/notifications/${ids[0]}`),
      (r) => r.body.attemptCount >= 2,
    );
    const skipped = await api.request('POST', `/notifications/${ids[0]}/skip`);
    if (skipped.status !== 200) throw new Error(`skip refused: ${JSON.stringify(skipped.body)}`);
    return [await closed(apps.local.client, 'ordered-skipped', ids[0])];
  },
  async recovery() {
    const app = apps.recovery;
    const { api, subscriptionId, id } = await publishTo(app, '/down-for-recovery', (api) => api.publish('replay.recorded', { before: true }));
    // Two notifications in the range, neither delivered: cancel both (deleting the subscription would leave nowhere
    // to redeliver to), then recover them.
    const since = new Date(Date.now() - 60_000).toISOString();
    const rows = await app.db.query<{ id: string }[]>(`SELECT id FROM notifications WHERE subscription_id = $1`, [subscriptionId]);
    for (const row of rows) await app.client.workflow.getHandle(row.id).cancel();
    await waitFor(
      () => api.request('GET', `/notifications/${id}`),
      (r) => r.body.status === 'cancelled',
    );
    healed.add('/down-for-recovery');
    const recovery = await api.request('POST', `/webhooks/subscriptions/${subscriptionId}/recover`, { since });
    if (recovery.status !== 202) throw new Error(`recovery refused: ${JSON.stringify(recovery.body)}`);
    const recoveryId = recovery.body.id as string;
    await waitFor(
      () => api.request('GET', `/recoveries/${recoveryId}`),
      (r) => r.body.status === 'completed',
    );
    const listRuns = async () => {
      const runs: { runId: string; status: string }[] = [];
      for await (const execution of app.client.workflow.list({ query: `WorkflowId = '${recoveryId}'` }))
        runs.push({ runId: execution.runId, status: execution.status.name });
      return runs;
    };
    const runs = await waitFor(listRuns, (all) => all.some((r) => r.status === 'COMPLETED') && all.some((r) => r.status === 'CONTINUED_AS_NEW'));
    const continued = runs.find((r) => r.status === 'CONTINUED_AS_NEW');
    const completed = runs.find((r) => r.status === 'COMPLETED');
    if (!continued || !completed) throw new Error(`recovery runs: ${JSON.stringify(runs)}`);
    return [
      { name: 'recovery-continued-as-new', workflowId: recoveryId, runId: continued.runId },
      { name: 'recovery-completed', workflowId: recoveryId, runId: completed.runId },
    ];
  },
  async purge() {
    // Three finished events ten days old (IDs of that time: the purge walks events by ID), and a pending notification's
    // attempt as old with a response body: with RETENTION 7d and RESPONSE_BODY_RETENTION 6d, one event a step and two
    // steps a run, the purge continues as new twice (events, then bodies) and completes on the bodies' last batch.
    const app = apps.local;
    const { api, id: environmentId } = await app.newEnvironment();
    await api.subscribe(receiver.url('/purged'));
    const tenDaysAgo = Date.now() - 10 * 86_400_000;
    const events = new EventRepository(app.db);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const stored = await events.insertWithNotifications({
        id: newId('evt', tenDaysAgo + i),
        environmentId,
        type: 'replay.purged',
        dataJson: '{}',
        idempotencyKey: null,
        policy: deliveryPolicyOf(app.config.delivery),
        windowMs: app.config.delivery.windowMs,
      });
      ids.push(stored.event.id);
    }
    const old = `now() - interval '10 days'`;
    await app.db.query(`UPDATE events SET created_at = ${old} WHERE id = ANY ($1)`, [ids]);
    await app.db.query(`UPDATE notifications SET dispatched_at = now(), attempt_count = 1 WHERE event_id = ANY ($1)`, [ids]);
    await app.db.query(`UPDATE notifications SET status = 'succeeded', completed_at = ${old} WHERE event_id = ANY ($1)`, [ids.slice(0, 3)]);
    await app.db.query(
      `INSERT INTO attempts (id, notification_id, number, url, started_at, ended_at, duration_ms, status_code, succeeded, response_body, trigger)
       SELECT plude_new_id('att'), n.id, 1, n.url, ${old}, ${old}, 0, 200, true, 'ok', 'initial' FROM notifications n WHERE n.event_id = ANY ($1)`,
      [ids],
    );
    const workflowId = `purge-${ids[0]}`;
    await app.client.workflow.start(purgeData, {
      taskQueue: app.config.temporal.taskQueue,
      workflowId,
      args: [{ retentionMs: 7 * 86_400_000, responseBodyRetentionMs: 6 * 86_400_000, batchSize: 1, batchesPerStep: 1, stepsPerRun: 2 }],
    });
    const runs: { runId: string; status: string }[] = [];
    await waitFor(
      async () => {
        runs.length = 0;
        for await (const execution of app.client.workflow.list({ query: `WorkflowId = '${workflowId}'` }))
          runs.push({ runId: execution.runId, status: execution.status.name });
        return runs;
      },
      (all) => all.some((r) => r.status === 'COMPLETED') && all.some((r) => r.status === 'CONTINUED_AS_NEW'),
    );
    const continued = runs.find((r) => r.status === 'CONTINUED_AS_NEW');
    const completed = runs.find((r) => r.status === 'COMPLETED');
    if (!continued || !completed) throw new Error(`purge runs: ${JSON.stringify(runs)}`);
    return [
      { name: 'purge-continued-as-new', workflowId, runId: continued.runId },
      { name: 'purge-completed', workflowId, runId: completed.runId },
    ];
  },
};

/** The history as the Temporal CLI exports it: the JSON that `Worker.runReplayHistories` takes. */
async function exportHistory({ name, workflowId, runId }: Recorded): Promise<void> {
  const args = ['workflow', 'show', '--workflow-id', workflowId, '--run-id', runId, '--output', 'json'];
  const { stdout } = await run(cliPath, [...args, '--address', process.env.TEMPORAL_ADDRESS as string, '--namespace', 'default'], { maxBuffer: 16 << 20 });
  // The CLI's JSON, without its indentation: the same document in a third less space.
  await writeFile(join(HISTORIES, `${name}.json`), `${JSON.stringify(JSON.parse(stdout))}\n`);
}

/**
 * REPLAY_ONLY=a,b records only those paths. A new workflow path is recorded alone: re-recording the whole folder would
 * replace histories made by earlier code (the shapes that patched() keeps replaying) with the current code's.
 */
const only = process.env.REPLAY_ONLY?.split(',').map((name) => name.trim());
const selected = Object.entries(paths).filter(([name]) => !only || only.includes(name));

it('records every path', async () => {
  if (only && selected.length !== only.length) throw new Error(`REPLAY_ONLY names an unknown path: ${only.join(', ')}`);
  await mkdir(HISTORIES, { recursive: true });
  const results = await Promise.allSettled(selected.map(([, path]) => path()));
  const failed = selected.map(([name]) => name).filter((_, i) => results[i].status === 'rejected');
  for (const result of results) if (result.status === 'fulfilled') for (const recorded of result.value) await exportHistory(recorded);
  if (failed.length > 0)
    throw new Error(`not recorded: ${failed.join(', ')}: ${results.map((r) => (r.status === 'rejected' ? String(r.reason) : '')).join(' ')}`);
});
