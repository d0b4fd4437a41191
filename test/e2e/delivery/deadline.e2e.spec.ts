import { notificationStateQuery } from '../../../workflows';
import { newId } from '../../../src/domain/ids';
import { DeliveryRepository } from '../../../src/persistence/repositories/delivery.repository';
import { waitFor } from '../../support/wait';
import { startedWorkflow } from '../../support/workflows';
import { storeWithoutDispatch, useTestApp } from '../../support/test-app';

const WINDOW_MS = 6_000;

interface Attempt {
  number: number;
  startedAt: string;
  endedAt: string;
  statusCode: number | null;
  error: string | null;
  succeeded: boolean;
}

describe('attempts until the end of the window', () => {
  // /late answers after 10 s, past any deadline here; /just-in-time fails until its last attempt (at 4 s), which
  // it answers 400 ms before the deadline (at most 1.5 s later: on a busy machine the attempt may start late).
  let justInTimeDeadline = 0;
  const t = useTestApp({
    responder: (_, request) => {
      if (request.path === '/late') return { status: 200, delayMs: 10_000 };
      if (request.path === '/just-in-time') {
        return t.receiver.forPath('/just-in-time').length >= 4
          ? { status: 200, delayMs: Math.max(0, Math.min(1_500, justInTimeDeadline - 400 - Date.now())) }
          : 500;
      }
      return 500;
    },
    env: { DELIVERY_WINDOW: `${WINDOW_MS}ms`, DELIVERY_TIMEOUT: '2s', RETRY_INITIAL_INTERVAL: '1s', RETRY_MAX_INTERVAL: '30s' },
  });

  async function publishTo(path: string) {
    const { api } = await t.app.newEnvironment();
    await api.subscribe(t.receiver.url(path));
    const published = await api.publish('window.test', { path });
    const event = await waitFor(
      () => api.request('GET', `/events/${published.body.id}`),
      (r) => r.body.notifications.length === 1,
    );
    return { api, id: event.body.notifications[0].id as string, expiresAt: Date.parse(published.body.createdAt) + WINDOW_MS };
  }

  /** The workflow's result, its query and the database agree. */
  async function finalState(api: Awaited<ReturnType<typeof publishTo>>['api'], id: string) {
    const handle = await startedWorkflow(t.app.client, id);
    const result = await handle.result();
    const query = await handle.query(notificationStateQuery);
    const notification = await api.request('GET', `/notifications/${id}`);
    expect(query).toEqual(result);
    expect(notification.body.status).toBe(result.status);
    return { result, notification: notification.body as { status: string; completedAt: string; expiresAt: string; attempts: Attempt[] } };
  }

  it('keeps trying until one last attempt ends at expiresAt, and expires then, not before', async () => {
    const { api, id, expiresAt } = await publishTo('/failing');
    const { result, notification } = await finalState(api, id);
    expect(result.status).toBe('expired');
    // 0 s, 1 s, 3 s, then 3 + 4 = 7 s would cross the deadline: one last attempt at expiresAt - 2 s (4 s).
    const starts = notification.attempts.map((a) => Date.parse(a.startedAt) - (expiresAt - WINDOW_MS));
    expect(starts).toHaveLength(4);
    expect(starts[3]).toBeGreaterThanOrEqual(WINDOW_MS - 2_000 - 50);
    expect(starts[3]).toBeLessThan(WINDOW_MS - 2_000 + 1_500);
    const completedAt = Date.parse(notification.completedAt);
    expect(completedAt).toBeGreaterThanOrEqual(expiresAt);
    expect(completedAt - expiresAt).toBeLessThan(3_000);
  });

  it('cuts an attempt in flight off at the deadline: a 2xx that comes later does not count', async () => {
    const { api, id, expiresAt } = await publishTo('/late');
    const { result, notification } = await finalState(api, id);
    expect(result.status).toBe('expired');
    const last = notification.attempts[notification.attempts.length - 1];
    expect(last).toMatchObject({ statusCode: null, succeeded: false });
    expect(last.error).toMatch(/^timeout after \d+ms$/);
    expect(Date.parse(last.endedAt)).toBeLessThanOrEqual(expiresAt + 500);
    expect(notification.attempts.every((a) => !a.succeeded)).toBe(true);
  });

  it('counts a 2xx that arrives just before the deadline', async () => {
    const { api, id, expiresAt } = await publishTo('/just-in-time');
    justInTimeDeadline = expiresAt;
    const { result, notification } = await finalState(api, id);
    expect(result.status).toBe('succeeded');
    expect(notification.attempts).toHaveLength(4);
    const last = notification.attempts[3];
    expect(last).toMatchObject({ statusCode: 200, succeeded: true });
    expect(Date.parse(last.endedAt)).toBeLessThanOrEqual(expiresAt);
  });

  describe('the records, at the deadline (real PostgreSQL)', () => {
    async function storedNotification() {
      const { id: environmentId, api } = await t.app.newEnvironment();
      await api.subscribe(t.receiver.url('/records'));
      const stored = await storeWithoutDispatch(t.app, environmentId, 'window.test', { n: 1 });
      return { repository: new DeliveryRepository(t.app.db, t.app.keyRing), id: stored.notifications[0].id, expiresAt: stored.notifications[0].expiresAt };
    }
    const attempt = (notificationId: string, endedAt: Date, succeeded: boolean) => ({
      attemptId: newId('att'),
      notificationId,
      url: t.receiver.url('/records'),
      startedAt: new Date(endedAt.getTime() - 100),
      endedAt,
      statusCode: succeeded ? 200 : 500,
      error: succeeded ? null : 'receiver answered HTTP 500',
      responseBody: null,
      succeeded,
      retryAfterMs: null,
      nextAttemptAt: null,
      trigger: 'initial' as const,
      requestHeaders: { 'content-type': 'application/json', 'webhook-id': notificationId },
    });

    it('a success that ends after expiresAt does not make the notification succeeded', async () => {
      const { repository, id, expiresAt } = await storedNotification();
      const late = await repository.recordAttempt(attempt(id, new Date(expiresAt.getTime() + 1), true));
      expect(late).toEqual({ number: 1, status: 'pending' });
      expect(await repository.markExpired(id, expiresAt)).toBe('expired');
    });

    it('an expired notification stays expired when an attempt still in flight succeeds', async () => {
      const { repository, id, expiresAt } = await storedNotification();
      expect(await repository.markExpired(id, expiresAt)).toBe('expired');
      const inFlight = await repository.recordAttempt(attempt(id, new Date(expiresAt.getTime() - 1), true));
      expect(inFlight).toEqual({ number: 1, status: 'expired' });
    });

    it('expiring an earlier window leaves a notification whose window is later pending (a redelivery’s)', async () => {
      const { repository, id, expiresAt } = await storedNotification();
      expect(await repository.markExpired(id, new Date(expiresAt.getTime() - 1_000))).toBe('pending');
      expect(await repository.markExpired(id, expiresAt)).toBe('expired');
    });

    it('a succeeded notification stays succeeded when the workflow expires it late, and says so', async () => {
      const { repository, id, expiresAt } = await storedNotification();
      expect(await repository.recordAttempt(attempt(id, new Date(expiresAt.getTime() - 1), true))).toEqual({ number: 1, status: 'succeeded' });
      expect(await repository.markExpired(id, expiresAt)).toBe('succeeded');
      expect(await repository.recordAttempt(attempt(id, new Date(expiresAt.getTime() - 1), false))).toEqual({ number: 2, status: 'succeeded' });
    });
  });
});
