import { waitFor } from '../../support/wait';
import { startedWorkflow } from '../../support/workflows';
import { storeWithoutDispatch, useTestApp } from '../../support/test-app';

const WINDOW_MS = 4_500;

describe('the delivery window', () => {
  const t = useTestApp({
    responder: () => 500,
    env: { DELIVERY_WINDOW: `${WINDOW_MS}ms`, DELIVERY_TIMEOUT: '1s', RETRY_INITIAL_INTERVAL: '1s', RETRY_MAX_INTERVAL: '1s' },
  });

  it('a receiver that always fails ends expired, with no attempt after the window', async () => {
    const { api } = await t.app.newEnvironment();
    await api.subscribe(t.receiver.url('/down'));
    const published = await api.publish('report.ready', { report: 1 });
    const deadline = Date.parse(published.body.createdAt) + WINDOW_MS;

    const event = await waitFor(
      () => api.request('GET', `/events/${published.body.id}`),
      (r) => r.body.notifications.length === 1,
    );
    const id = event.body.notifications[0].id as string;
    const outcome = await (await startedWorkflow(t.app.client, id)).result();
    expect(outcome).toEqual({ notificationId: id, status: 'expired', expiresAt: new Date(deadline).toISOString() });

    const notification = await api.request('GET', `/notifications/${id}`);
    expect(notification.body.status).toBe('expired');
    expect(notification.body.nextAttemptAt).toBeNull();
    expect(notification.body.expiresAt).toBe(new Date(deadline).toISOString());
    // Expired at expiresAt, never before it.
    expect(Date.parse(notification.body.completedAt)).toBeGreaterThanOrEqual(deadline);
    const attempts = notification.body.attempts as { startedAt: string; endedAt: string; statusCode: number }[];
    expect(attempts.length).toBeGreaterThanOrEqual(3);
    for (const attempt of attempts) {
      expect(attempt.statusCode).toBe(500);
      expect(Date.parse(attempt.startedAt)).toBeLessThan(deadline);
    }
    // Every POST the receiver got is a recorded attempt, and all of them arrived inside the window.
    const received = t.receiver.forPath('/down');
    expect(received).toHaveLength(attempts.length);
    for (const request of received) expect(request.at).toBeLessThanOrEqual(deadline + 50);
  });

  it('counts the window from the event, so a notification recovered after it closed expires without an attempt', async () => {
    const { id: environmentId, api } = await t.app.newEnvironment();
    await api.subscribe(t.receiver.url('/late'));
    // As if the process died right after storing the event, long enough ago for its window to have closed.
    const stored = await storeWithoutDispatch(t.app, environmentId, 'report.ready', { report: 2 });
    const [{ id: notificationId }] = stored.notifications;
    await t.app.db.query(`UPDATE events SET created_at = now() - interval '1 minute' WHERE id = $1`, [stored.event.id]);
    await t.app.db.query(
      `UPDATE notifications SET created_at = now() - interval '1 minute', expires_at = now() - interval '1 minute' + $2 * interval '1 ms' WHERE id = $1`,
      [notificationId, WINDOW_MS],
    );

    expect(await t.app.api.relay.runOnce(0)).toBeGreaterThanOrEqual(1);
    expect(await t.app.client.workflow.getHandle(notificationId).result()).toMatchObject({ status: 'expired' });
    const notification = await api.request('GET', `/notifications/${notificationId}`);
    expect(notification.body).toMatchObject({ status: 'expired', attemptCount: 0, attempts: [] });
    expect(t.receiver.forPath('/late')).toHaveLength(0);
  });
});
