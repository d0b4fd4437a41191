import { WorkflowNotFoundError } from '@temporalio/client';
import { waitFor } from '../support/api-client';
import { storeWithoutDispatch, useTestApp } from '../support/test-app';

describe('nothing accepted is lost', () => {
  const t = useTestApp();

  it('a stored notification whose workflow never started is started by recovery and delivered', async () => {
    const { id: environmentId, api } = await t.app.newEnvironment();
    await api.subscribe(t.receiver.url('/recovered'));
    // The state a crash between the database commit and the workflow start leaves behind.
    const stored = await storeWithoutDispatch(t.app, environmentId, 'user.created', { user: 'u_1' });
    expect(stored.notifications).toHaveLength(1);
    const [{ id: notificationId }] = stored.notifications;
    expect(notificationId).toMatch(/^ntf_[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
    await expect(t.app.client.workflow.getHandle(notificationId).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);

    expect(await t.app.api.recovery.runOnce(0)).toBeGreaterThanOrEqual(1);
    await waitFor(() => api.request('GET', `/notifications/${notificationId}`), (r) => r.body.status === 'succeeded');
    expect(t.receiver.forPath('/recovered')).toHaveLength(1);
    const [{ dispatched_at }] = await t.app.db.query(`SELECT dispatched_at FROM notifications WHERE id = $1`, [notificationId]);
    expect(dispatched_at).toBeInstanceOf(Date);
  });

  it('published notifications are marked dispatched once their workflow exists', async () => {
    const { api } = await t.app.newEnvironment();
    await api.subscribe(t.receiver.url('/dispatched'));
    const published = await api.publish('user.created', { user: 'u_2' });
    const event = await waitFor(() => api.request('GET', `/events/${published.body.id}`), (r) => r.body.notifications[0]?.status === 'succeeded');
    const rows = await waitFor(
      () => t.app.db.query(`SELECT dispatched_at FROM notifications WHERE id = $1`, [event.body.notifications[0].id]),
      (r: { dispatched_at: Date | null }[]) => r[0].dispatched_at !== null,
    );
    expect(rows).toHaveLength(1);
  });
});
