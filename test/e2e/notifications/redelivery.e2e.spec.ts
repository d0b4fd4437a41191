import type { Client } from '@temporalio/client';
import { deliveryPolicyOf } from '../../../src/config/config';
import { OutboxRepository } from '../../../src/outbox/outbox.repository';
import { type ApiClient } from '../../support/api-client';
import { waitFor } from '../../support/wait';
import { useTestApp } from '../../support/test-app';
import { publishDelivered } from '../../support/deliveries';

/** Every run Temporal has of a workflow ID, oldest first. */
async function runsOf(client: Client, workflowId: string) {
  const runs: { runId: string; status: string }[] = [];
  for await (const run of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push({ runId: run.runId, status: run.status.name });
  return runs.reverse();
}

async function delivered(api: ApiClient, type: string) {
  return (await publishDelivered(api, type, { n: 1 })).notificationId;
}

describe('redelivering one notification', () => {
  const t = useTestApp();

  it('a succeeded notification is attempted again: same webhook-id, a fresh window, numbering on, a new run of the workflow', async () => {
    const { api } = await t.app.newEnvironment();
    await api.subscribe(t.receiver.url('/again'));
    const id = await delivered(api, 'order.paid');
    const before = (await api.request('GET', `/notifications/${id}`)).body;
    await waitFor(
      () => runsOf(t.app.client, id),
      (runs) => runs.length === 1 && runs[0].status === 'COMPLETED',
    );

    const requestedAt = Date.now();
    const redelivered = await api.request('POST', `/notifications/${id}/redeliver`);
    expect(redelivered.status).toBe(202);
    expect(redelivered.body).toEqual({ id, status: 'pending', expiresAt: expect.any(String), policy: before.policy });
    // DELIVERY_WINDOW (72h here) from the request, not from the event.
    expect(Date.parse(redelivered.body.expiresAt)).toBeGreaterThanOrEqual(requestedAt + 72 * 3_600_000 - 1_000);
    expect(Date.parse(redelivered.body.expiresAt)).toBeGreaterThan(Date.parse(before.expiresAt));

    const after = await waitFor(
      () => api.request('GET', `/notifications/${id}`),
      (r) => r.body.status === 'succeeded',
    );
    expect(after.body.attempts.map((a: { number: number; trigger: string; succeeded: boolean }) => [a.number, a.trigger, a.succeeded])).toEqual([
      [1, 'initial', true],
      [2, 'redeliver', true],
    ]);
    expect(after.body.redeliveredAt).toEqual(expect.any(String));
    const posts = t.receiver.forPath('/again');
    expect(posts.map((p) => p.headers['webhook-id'])).toEqual([id, id]);
    expect(posts[1].body).toBe(posts[0].body);
    const runs = await waitFor(
      () => runsOf(t.app.client, id),
      (r) => r.length === 2 && r.every((run) => run.status === 'COMPLETED'),
    );
    expect(runs[0].runId).not.toBe(runs[1].runId);
    expect(await t.app.client.workflow.getHandle(id).result()).toMatchObject({ status: 'succeeded' });
  });

  it('refuses a pending notification (409), answers one of two concurrent redeliveries, and hides other environments’ (404)', async () => {
    const { api } = await t.app.newEnvironment();
    const other = await t.app.newEnvironment();
    const { body: paused } = await api.subscribe(t.receiver.url('/held'), ['order.paid']);
    await api.request('PATCH', `/webhooks/subscriptions/${paused.id}`, { status: 'paused' });
    const published = await api.publish('order.paid', { n: 2 });
    const held = (await api.request('GET', `/events/${published.body.id}`)).body.notifications[0].id;
    const pending = await api.request('POST', `/notifications/${held}/redeliver`);
    expect([pending.status, pending.body.message]).toEqual([409, expect.stringMatching(/still pending/)]);

    await api.subscribe(t.receiver.url('/twice'), ['order.shipped']);
    const id = await delivered(api, 'order.shipped');
    const statuses = await Promise.all([1, 2].map(async () => (await api.request('POST', `/notifications/${id}/redeliver`)).status));
    expect(statuses.sort()).toEqual([202, 409]);
    await waitFor(
      () => api.request('GET', `/notifications/${id}`),
      (r) => r.body.status === 'succeeded',
    );
    expect(t.receiver.forPath('/twice')).toHaveLength(2);

    expect((await other.api.request('POST', `/notifications/${id}/redeliver`)).status).toBe(404);
    expect((await api.request('POST', '/notifications/ntf_nonsense/redeliver')).status).toBe(404);
  });

  it('a deleted subscription’s notification cannot be redelivered (409): it still exists, but has nowhere to go', async () => {
    const { api } = await t.app.newEnvironment();
    const { body: subscription } = await api.subscribe(t.receiver.url('/deleted'));
    const id = await delivered(api, 'order.paid');
    expect((await api.request('DELETE', `/webhooks/subscriptions/${subscription.id}`)).status).toBe(204);
    const refused = await api.request('POST', `/notifications/${id}/redeliver`);
    expect([refused.status, refused.body.message]).toEqual([409, expect.stringMatching(/subscription was deleted/)]);
    expect((await api.request('GET', `/notifications/${id}`)).body.status).toBe('succeeded');
  });
});

describe('redelivery and the outbox', () => {
  // An app of its own: with the app above shared, runOnce(0) below once started nothing (npm test, 2026-12-04).
  const t = useTestApp();

  it('a redelivery recorded but never started is started by the outbox relay, as a new run', async () => {
    const { id: environmentId, api } = await t.app.newEnvironment();
    await api.subscribe(t.receiver.url('/outbox'));
    const id = await delivered(api, 'order.paid');
    await waitFor(
      () => runsOf(t.app.client, id),
      (runs) => runs.length === 1 && runs[0].status === 'COMPLETED',
    );
    // What a crash between the redelivery's commit and its start leaves behind.
    const recorded = await new OutboxRepository(t.app.db).redeliver({
      environmentId,
      notificationId: id,
      windowMs: 60_000,
      policy: deliveryPolicyOf(t.app.config.delivery),
      graceMs: 0,
    });
    expect(recorded.outcome).toBe('redelivered');

    expect(await t.app.api.relay.runOnce(0)).toBeGreaterThanOrEqual(1);
    const done = await waitFor(
      () => api.request('GET', `/notifications/${id}`),
      (r) => r.body.status === 'succeeded' && r.body.attemptCount === 2,
    );
    expect(done.body.attempts[1]).toMatchObject({ number: 2, trigger: 'redeliver', succeeded: true });
    expect(t.receiver.forPath('/outbox')).toHaveLength(2);
    await waitFor(
      () => runsOf(t.app.client, id),
      (runs) => runs.length === 2,
    );
  });

  it('recovery never starts a second run of a notification that is done, even when its start was never recorded', async () => {
    const { api } = await t.app.newEnvironment();
    await api.subscribe(t.receiver.url('/done'));
    const id = await delivered(api, 'order.paid');
    await waitFor(
      () => runsOf(t.app.client, id),
      (runs) => runs.length === 1 && runs[0].status === 'COMPLETED',
    );
    await t.app.db.query(`UPDATE notifications SET dispatched_at = NULL, created_at = created_at - interval '1 minute' WHERE id = $1`, [id]);

    await t.app.api.relay.runOnce(0);
    const [{ dispatched_at }] = await t.app.db.query(`SELECT dispatched_at FROM notifications WHERE id = $1`, [id]);
    expect(dispatched_at).toBeInstanceOf(Date);
    expect(t.receiver.forPath('/done')).toHaveLength(1);
    expect(await runsOf(t.app.client, id)).toHaveLength(1);
  });
});
