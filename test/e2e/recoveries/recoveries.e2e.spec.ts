import type { Client } from '@temporalio/client';
import { deliveryPolicyOf } from '../../../src/config/config';
import { newId } from '../../../src/domain/ids';
import { RecoveryRepository } from '../../../src/persistence/repositories/recovery.repository';
import { ApiClient } from '../../support/api-client';
import { waitFor } from '../../support/wait';
import { startTestApp, type TestApp, useTestApp } from '../../support/test-app';
import { publishDelivered } from '../../support/deliveries';

async function runsOf(client: Client, workflowId: string) {
  const runs: string[] = [];
  for await (const run of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push(run.status.name);
  return runs;
}

describe('recovering a subscription after an outage', () => {
  let down = true;
  // The outage: every notification has a 3 s window, 1 s per attempt, and the receiver answers 500 throughout.
  const t = useTestApp({ responder: () => (down ? 500 : 204), env: { DELIVERY_WINDOW: '3s', DELIVERY_TIMEOUT: '1s', BREAKER_FAILURE_THRESHOLD: '0' } });
  let recoverer: TestApp;
  beforeAll(async () => {
    // The recovery is accepted by a process configured for a 1 min window, and in pages of 6, two per run: its
    // redeliveries get that process's window, and 20 notifications make its workflow continue as new.
    recoverer = await startTestApp({ NODE_EXTRA_CA_CERTS: t.receiver.caFile, DELIVERY_WINDOW: '1m', RECOVERY_PAGE_SIZE: '6', RECOVERY_PAGES_PER_RUN: '2' });
  });
  afterAll(() => recoverer?.close());

  it('redelivers the 20 expired notifications: all arrive, and the recovery reports 20', async () => {
    const { id: environment, token, api } = await t.app.newEnvironment();
    const { body: subscription } = await api.subscribe(t.receiver.url('/outage'));
    const since = new Date(Date.now() - 60_000).toISOString();
    const published = await Promise.all(Array.from({ length: 20 }, (_, n) => api.publish('order.paid', { n })));
    expect(published.every((p) => p.status === 202 && p.body.notifications === 1)).toBe(true);
    const expired = await waitFor(
      async () =>
        await t.app.db.query<{ id: string }[]>(`SELECT id FROM notifications WHERE subscription_id = $1 AND status = 'expired' ORDER BY id`, [subscription.id]),
      (rows) => rows.length === 20,
      40_000,
    );
    const expiredIds = expired.map((row) => row.id);

    down = false;
    // A notification that succeeds is in the range too, and is not redelivered.
    await publishDelivered(api, 'order.paid', { n: 'fine' });
    const receivedBefore = t.receiver.requests.length;

    const client = new ApiClient(recoverer.api.url, { token, environment, version: '2022-03' });
    const acceptedAt = Date.now();
    const recovery = await client.request('POST', `/webhooks/subscriptions/${subscription.id}/recover`, { since });
    expect(recovery.status).toBe(202);
    expect(recovery.body).toEqual({ id: expect.stringMatching(/^rcv_/), notifications: 20 });

    const done = await waitFor(
      () => client.request('GET', `/recoveries/${recovery.body.id}`),
      (r) => r.body.status === 'completed' && r.body.succeeded === 20,
      60_000,
    );
    expect(done.body).toMatchObject({ subscriptionId: subscription.id, since, total: 20, started: 20, succeeded: 20, expired: 0, pending: 0 });
    const arrived = t.receiver.requests.slice(receivedBefore).map((request) => request.headers['webhook-id']);
    expect([...new Set(arrived)].sort()).toEqual(expiredIds);

    const notification = await client.request('GET', `/notifications/${expiredIds[0]}`);
    expect(notification.body.attempts.at(-1)).toMatchObject({ trigger: 'redeliver', succeeded: true, statusCode: 204 });
    expect(notification.body.attempts.slice(0, -1).every((a: { trigger: string }) => a.trigger === 'initial')).toBe(true);
    // The window of the process that accepted the recovery: 1 min from then.
    expect(Date.parse(notification.body.expiresAt)).toBeGreaterThanOrEqual(acceptedAt + 59_000);

    // Four pages of 6, two per run: the workflow continued as new once.
    const runs = await waitFor(
      () => runsOf(recoverer.client, recovery.body.id),
      (r) => r.length === 2 && r.includes('COMPLETED'),
    );
    expect(runs.sort()).toEqual(['COMPLETED', 'CONTINUED_AS_NEW']);
  }, 120_000);
});

describe('recoveries: refusals', () => {
  const t = useTestApp();

  it('a running recovery over an overlapping range gets 409; another range, a bad range or subscription do not reach it', async () => {
    const { id: environmentId, api } = await t.app.newEnvironment();
    const other = await t.app.newEnvironment();
    const { body: subscription } = await api.subscribe(t.receiver.url('/refusals'));
    // A recovery still running over the last hour (as if its workflow were busy).
    const running = await new RecoveryRepository(t.app.db).create({
      id: newId('rcv'),
      environmentId,
      subscriptionId: subscription.id,
      since: new Date(Date.now() - 3_600_000),
      until: new Date(),
      windowMs: 60_000,
      policy: deliveryPolicyOf(t.app.config.delivery),
    });
    expect(running.outcome).toBe('created');
    const recover = (body: unknown, id = subscription.id, client = api) => client.request('POST', `/webhooks/subscriptions/${id}/recover`, body);

    const overlapping = await recover({ since: new Date(Date.now() - 600_000).toISOString() });
    expect([overlapping.status, overlapping.body.message]).toEqual([409, expect.stringMatching(/still running over an overlapping range/)]);
    const earlier = await recover({ since: '2020-01-01T00:00:00Z', until: '2020-02-01T00:00:00+01:00' });
    expect(earlier.body).toEqual({ id: expect.stringMatching(/^rcv_/), notifications: 0 });
    await waitFor(
      () => api.request('GET', `/recoveries/${earlier.body.id}`),
      (r) => r.body.status === 'completed',
    );

    expect((await recover({ since: 'yesterday' })).status).toBe(400);
    expect((await recover({ since: '2026-01-02T03:04:05' })).status).toBe(400); // no zone
    expect((await recover({ since: '2020-02-01T00:00:00Z', until: '2020-01-01T00:00:00Z' })).status).toBe(400);
    expect((await recover({})).status).toBe(400);
    expect((await recover({ since: '2020-01-01T00:00:00Z' }, 'sub_nonsense')).status).toBe(404);
    expect((await recover({ since: '2020-01-01T00:00:00Z' }, subscription.id, other.api)).status).toBe(404);
    expect((await other.api.request('GET', `/recoveries/${earlier.body.id}`)).status).toBe(404);
    expect((await api.request('GET', '/recoveries/rcv_nonsense')).status).toBe(404);

    await api.request('DELETE', `/webhooks/subscriptions/${subscription.id}`);
    expect((await recover({ since: '2020-01-01T00:00:00Z' })).status).toBe(404);
  });
});
