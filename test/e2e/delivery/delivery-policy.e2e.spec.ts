import { randomBytes } from 'node:crypto';
import { waitFor } from '../../support/wait';
import { HttpsReceiver } from '../../support/https-receiver';
import { startTestApp, type TestApp } from '../../support/test-app';

const H = 3_600_000;

/**
 * A notification keeps the policy it was created with. Two processes with different configurations share one task
 * queue: the first publishes and stops, the second publishes and then runs the first one's retries too.
 */
describe('one policy per notification, fixed at publish', () => {
  let receiver: HttpsReceiver;
  const apps: TestApp[] = [];

  beforeAll(async () => {
    // Every answer takes 2 s: longer than the first configuration's attempt timeout, shorter than the second's.
    receiver = await HttpsReceiver.start(() => ({ status: 200, delayMs: 2_000 }));
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await receiver?.stop();
  });

  it('a configuration change reaches new notifications only', async () => {
    const shared = { NODE_EXTRA_CA_CERTS: receiver.caFile, TEMPORAL_TASK_QUEUE: `policy-${randomBytes(4).toString('hex')}`, RETRY_MAX_INTERVAL: '10s' };
    const before = await startTestApp({ ...shared, DELIVERY_TIMEOUT: '1s', DELIVERY_WINDOW: '1h', RETRY_INITIAL_INTERVAL: '1s' });
    apps.push(before);
    const { id: environmentId, token } = await before.newEnvironment();
    const apiBefore = before.admin.as({ token, environment: environmentId });
    await apiBefore.subscribe(receiver.url('/slow'));
    const first = await apiBefore.publish('config.changed', { n: 1 });
    const [firstId] = (await apiBefore.request('GET', `/events/${first.body.id}`)).body.notifications.map((n: { id: string }) => n.id);
    await waitFor(
      () => apiBefore.request('GET', `/notifications/${firstId}`),
      (r) => r.body.attemptCount >= 1,
    );
    await before.close();
    apps.pop();

    const after = await startTestApp({ ...shared, DELIVERY_TIMEOUT: '4s', DELIVERY_WINDOW: '2h', RETRY_INITIAL_INTERVAL: '3s' });
    apps.push(after);
    const api = after.admin.as({ token, environment: environmentId });
    const second = await api.publish('config.changed', { n: 2 });
    const [secondId] = (await api.request('GET', `/events/${second.body.id}`)).body.notifications.map((n: { id: string }) => n.id);

    // The new notification's 4 s timeout outlasts the receiver's 2 s: delivered on its first attempt.
    const delivered = await waitFor(
      () => api.request('GET', `/notifications/${secondId}`),
      (r) => r.body.status === 'succeeded',
    );
    expect(delivered.body).toMatchObject({ attemptCount: 1, policy: { initialIntervalMs: 3_000, attemptTimeoutMs: 4_000 } });
    expect(Date.parse(delivered.body.expiresAt)).toBe(Date.parse(second.body.createdAt) + 2 * H);

    // The old one, now retried by the new process's worker, keeps its 1 s timeout and 1 s interval.
    const old = await waitFor(
      () => api.request('GET', `/notifications/${firstId}`),
      (r) => r.body.attemptCount >= 3,
    );
    expect(old.body).toMatchObject({ status: 'pending', policy: { initialIntervalMs: 1_000, maximumIntervalMs: 10_000, attemptTimeoutMs: 1_000 } });
    expect(Date.parse(old.body.expiresAt)).toBe(Date.parse(first.body.createdAt) + H);
    const attempts = old.body.attempts as { startedAt: string; endedAt: string; durationMs: number; error: string; statusCode: number | null }[];
    for (const attempt of attempts.slice(0, 3)) {
      expect(attempt).toMatchObject({ statusCode: null, error: 'timeout after 1000ms' });
      expect(attempt.durationMs).toBeLessThan(1_900);
    }
    // Attempt 3 came 2 s (1 s doubled) after attempt 2 ended, not the new configuration's 6 s.
    const gap = Date.parse(attempts[2].startedAt) - Date.parse(attempts[1].endedAt);
    expect(gap).toBeGreaterThanOrEqual(1_900);
    expect(gap).toBeLessThan(4_000);
  });
});
