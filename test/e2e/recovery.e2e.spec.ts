import { WorkflowNotFoundError } from '@temporalio/client';
import { newId } from '../../src/domain/ids';
import { EventRepository } from '../../src/persistence/repositories/event.repository';
import { waitFor } from '../support/api-client';
import { HttpsReceiver } from '../support/https-receiver';
import { startTestApp, type TestApp } from '../support/test-app';

describe('nothing accepted is lost', () => {
  let receiver: HttpsReceiver;
  let app: TestApp;

  beforeAll(async () => {
    receiver = await HttpsReceiver.start();
    app = await startTestApp({ NODE_EXTRA_CA_CERTS: receiver.caFile });
  });
  afterAll(async () => {
    await app?.close();
    await receiver?.stop();
  });

  it('a stored notification whose workflow never started is started by recovery and delivered', async () => {
    const { id: environmentId, api } = await app.newEnvironment();
    await api.subscribe(receiver.url('/recovered'));
    // The state a crash between the database commit and the workflow start leaves behind.
    const stored = await new EventRepository(app.db).insertWithNotifications({
      id: newId('evt'),
      environmentId,
      type: 'user.created',
      data: { user: 'u_1' },
      idempotencyKey: null,
    });
    expect(stored.notifications).toHaveLength(1);
    const [{ id: notificationId }] = stored.notifications;
    expect(notificationId).toMatch(/^ntf_[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
    await expect(app.client.workflow.getHandle(notificationId).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);

    expect(await app.api.recovery.runOnce(0)).toBeGreaterThanOrEqual(1);
    await waitFor(() => api.request('GET', `/notifications/${notificationId}`), (r) => r.body.status === 'succeeded');
    expect(receiver.forPath('/recovered')).toHaveLength(1);
    const [{ dispatched_at }] = await app.db.query(`SELECT dispatched_at FROM notifications WHERE id = $1`, [notificationId]);
    expect(dispatched_at).toBeInstanceOf(Date);
  });

  it('published notifications are marked dispatched once their workflow exists', async () => {
    const { api } = await app.newEnvironment();
    await api.subscribe(receiver.url('/dispatched'));
    const published = await api.publish('user.created', { user: 'u_2' });
    const event = await waitFor(() => api.request('GET', `/events/${published.body.id}`), (r) => r.body.notifications[0]?.status === 'succeeded');
    const rows = await waitFor(
      () => app.db.query(`SELECT dispatched_at FROM notifications WHERE id = $1`, [event.body.notifications[0].id]),
      (r: { dispatched_at: Date | null }[]) => r[0].dispatched_at !== null,
    );
    expect(rows).toHaveLength(1);
  });
});
