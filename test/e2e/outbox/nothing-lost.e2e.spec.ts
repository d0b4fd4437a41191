import { WorkflowNotFoundError } from '@temporalio/client';
import { ApiClient } from '../../support/api-client';
import { waitFor } from '../../support/wait';
import { HttpsReceiver } from '../../support/https-receiver';
import { startTestApp, storeWithoutDispatch, type TestApp, useTestApp } from '../../support/test-app';
import { publishDelivered } from '../../support/deliveries';

describe('nothing accepted is lost', () => {
  const t = useTestApp();

  it('a stored notification whose workflow never started is started by the outbox relay and delivered', async () => {
    const { id: environmentId, api } = await t.app.newEnvironment();
    await api.subscribe(t.receiver.url('/recovered'));
    // The state a crash between the database commit and the workflow start leaves behind.
    const stored = await storeWithoutDispatch(t.app, environmentId, 'user.created', { user: 'u_1' });
    expect(stored.notifications).toHaveLength(1);
    const [{ id: notificationId }] = stored.notifications;
    expect(notificationId).toMatch(/^ntf_[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
    await expect(t.app.client.workflow.getHandle(notificationId).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);

    expect(await t.app.api.relay.runOnce(0)).toBeGreaterThanOrEqual(1);
    await waitFor(
      () => api.request('GET', `/notifications/${notificationId}`),
      (r) => r.body.status === 'succeeded',
    );
    expect(t.receiver.forPath('/recovered')).toHaveLength(1);
    const [{ dispatched_at }] = await t.app.db.query(`SELECT dispatched_at FROM notifications WHERE id = $1`, [notificationId]);
    expect(dispatched_at).toBeInstanceOf(Date);
  });

  it('published notifications are marked dispatched once their workflow exists', async () => {
    const { api } = await t.app.newEnvironment();
    await api.subscribe(t.receiver.url('/dispatched'));
    const { notificationId } = await publishDelivered(api, 'user.created', { user: 'u_2' });
    const rows = await waitFor(
      () => t.app.db.query(`SELECT dispatched_at FROM notifications WHERE id = $1`, [notificationId]),
      (r: { dispatched_at: Date | null }[]) => r[0].dispatched_at !== null,
    );
    expect(rows).toHaveLength(1);
  });
});

describe('a worker that goes away', () => {
  it('leaves its pending notifications to the next worker on the task queue, which delivers them', async () => {
    let answer = 503;
    const receiver = await HttpsReceiver.start(() => answer);
    const env = { NODE_EXTRA_CA_CERTS: receiver.caFile, TEMPORAL_TASK_QUEUE: `handover-${Date.now()}`, RETRY_INITIAL_INTERVAL: '1s' };
    const first = await startTestApp(env);
    let second: TestApp | undefined;
    try {
      const { id: environment, token, api } = await first.newEnvironment();
      await api.subscribe(receiver.url('/handover'));
      const published = await api.publish('order.shipped', { order: 9 });
      const event = await waitFor(
        () => api.request('GET', `/events/${published.body.id}`),
        (r) => r.body.notifications[0]?.attemptCount >= 1,
      );
      const id = event.body.notifications[0].id as string;
      await first.close();

      answer = 200;
      second = await startTestApp(env);
      const secondApi = new ApiClient(second.api.url, { token, environment });
      const done = await waitFor(
        () => secondApi.request('GET', `/notifications/${id}`),
        (r) => r.body.status === 'succeeded',
      );
      expect(done.body.attempts.at(-1)).toMatchObject({ succeeded: true, statusCode: 200 });
      expect(done.body.attempts.slice(0, -1).every((a: { statusCode: number }) => a.statusCode === 503)).toBe(true);
    } finally {
      await second?.close();
      await receiver.stop();
    }
  });
});
