import { waitFor } from '../../support/wait';
import { useTestApp } from '../../support/test-app';
import { publishDelivered } from '../../support/deliveries';

describe('retries with exponential backoff', () => {
  /** /held fails until the test lets it through; /busy asks for a pause with Retry-After, once. */
  let held = true;
  // Per path: the first two requests fail with 500, the third succeeds.
  const seen = new Map<string, number>();
  const t = useTestApp({
    responder: (_, request) => {
      if (request.path === '/held') return held ? 503 : 200;
      if (request.path.startsWith('/busy/')) {
        if (t.receiver.forPath(request.path).length > 1) return 200;
        const retryAfter = request.path === '/busy/seconds' ? '3' : new Date(Math.ceil(Date.now() / 1000) * 1000 + 3_000).toUTCString();
        return { status: request.path === '/busy/seconds' ? 503 : 429, headers: { 'retry-after': retryAfter } };
      }
      if (request.path === '/busy-long') return { status: 503, headers: { 'retry-after': '3600' } };
      const n = (seen.get(request.path) ?? 0) + 1;
      seen.set(request.path, n);
      return n <= 2 ? 500 : 200;
    },
    env: { RETRY_INITIAL_INTERVAL: '1s', RETRY_MAX_INTERVAL: '10s' },
  });

  it('500, 500, 200: three recorded attempts with growing gaps, then succeeded', async () => {
    const { api } = await t.app.newEnvironment();
    await api.subscribe(t.receiver.url('/flaky'));
    const { notificationId } = await publishDelivered(api, 'payment.failed', { payment: 'p_1' });
    const notification = await api.request('GET', `/notifications/${notificationId}`);
    expect(notification.body.status).toBe('succeeded');
    expect(notification.body.attemptCount).toBe(3);
    const attempts = notification.body.attempts as { number: number; startedAt: string; statusCode: number; succeeded: boolean; error: string | null }[];
    expect(attempts.map((a) => [a.number, a.statusCode, a.succeeded])).toEqual([
      [1, 500, false],
      [2, 500, false],
      [3, 200, true],
    ]);
    expect(attempts[0].error).toBe('receiver answered HTTP 500');

    // Each attempt starts when the one before it said it would (nextAttemptAt), within 1.5 s.
    for (let n = 1; n < attempts.length; n++) {
      const planned = Date.parse((attempts[n - 1] as unknown as { nextAttemptAt: string }).nextAttemptAt);
      const started = Date.parse(attempts[n].startedAt);
      expect(started).toBeGreaterThanOrEqual(planned - 50);
      expect(started - planned).toBeLessThanOrEqual(1_500);
    }
    expect((attempts[2] as unknown as { nextAttemptAt: string | null }).nextAttemptAt).toBeNull();

    const starts = attempts.map((a) => Date.parse(a.startedAt));
    const gaps = [starts[1] - starts[0], starts[2] - starts[1]];
    expect(gaps[0]).toBeGreaterThanOrEqual(1000);
    expect(gaps[1]).toBeGreaterThanOrEqual(2000);
    expect(gaps[1]).toBeGreaterThan(gaps[0]);
    expect(t.receiver.forPath('/flaky')).toHaveLength(3);
  });

  it('records with each attempt the headers its POST carried: the receiver got the same id, timestamp and signature', async () => {
    const { api } = await t.app.newEnvironment();
    await api.subscribe(t.receiver.url('/headers'));
    const { notificationId } = await publishDelivered(api, 'payment.failed', { payment: 'p_2' });
    const received = t.receiver.forPath('/headers');
    const { status, body: attempts } = await api.request('GET', `/notifications/${notificationId}/attempts`);
    expect(status).toBe(200);
    expect(attempts).toHaveLength(3);
    expect(received).toHaveLength(3);
    attempts.forEach((attempt: { number: number; requestHeaders: Record<string, string> }, i: number) => {
      const got = received[i].headers;
      expect(attempt.requestHeaders).toEqual({
        'content-type': 'application/json',
        'user-agent': 'plude-webhooks',
        'webhook-id': notificationId,
        'webhook-timestamp': got['webhook-timestamp'],
        'webhook-signature': got['webhook-signature'],
      });
      // Every recorded header is one the receiver got, with the value it got.
      for (const [name, value] of Object.entries(attempt.requestHeaders)) expect([attempt.number, name, got[name]]).toEqual([attempt.number, name, value]);
    });
    // Each attempt is signed anew (its own timestamp), and each records its own.
    expect(new Set(attempts.map((a: { requestHeaders: Record<string, string> }) => a.requestHeaders['webhook-timestamp'])).size).toBe(3);
    expect(new Set(attempts.map((a: { requestHeaders: Record<string, string> }) => a.requestHeaders['webhook-signature'])).size).toBe(3);
  });

  it('shows the predicted next attempt while a notification is pending', async () => {
    const { api } = await t.app.newEnvironment();
    await api.subscribe(t.receiver.url('/held'));
    const published = await api.publish('payment.failed', { payment: 'p_2' });
    const event = await waitFor(
      () => api.request('GET', `/events/${published.body.id}`),
      (r) => r.body.notifications.length === 1,
    );
    const id = event.body.notifications[0].id;

    const pending = await waitFor(
      () => api.request('GET', `/notifications/${id}`),
      (r) => r.body.attemptCount >= 1,
    );
    expect(pending.body.status).toBe('pending');
    const n = pending.body.attemptCount as number;
    const last = pending.body.attempts[n - 1];
    expect(last.succeeded).toBe(false);
    const backoff = Math.min(1000 * 2 ** (n - 1), 10_000);
    expect(Date.parse(pending.body.nextAttemptAt)).toBe(Date.parse(last.endedAt) + backoff);

    held = false;
    await waitFor(
      () => api.request('GET', `/notifications/${id}`),
      (r) => r.body.status === 'succeeded',
    );
  });

  it.each(['seconds', 'date'])('waits as long as a 429/503 Retry-After (%s) asks, and records it', async (form) => {
    const { api } = await t.app.newEnvironment();
    await api.subscribe(t.receiver.url(`/busy/${form}`));
    const { notificationId } = await publishDelivered(api, 'payment.failed', { form });
    const notification = await api.request('GET', `/notifications/${notificationId}`);
    const [first, second] = notification.body.attempts;
    expect(first.statusCode).toBe(form === 'seconds' ? 503 : 429);
    expect(first.retryAfterMs).toBeGreaterThan(2_000);
    expect(first.retryAfterMs).toBeLessThanOrEqual(4_000);
    // The 1 s backoff gave way to the receiver's wish.
    expect(Date.parse(first.nextAttemptAt)).toBe(Date.parse(first.endedAt) + first.retryAfterMs);
    expect(Date.parse(second.startedAt)).toBeGreaterThanOrEqual(Date.parse(first.endedAt) + first.retryAfterMs - 50);
    expect(second).toMatchObject({ number: 2, statusCode: 200, succeeded: true, retryAfterMs: null });
  });

  it('caps a Retry-After longer than the maximum interval', async () => {
    const { api } = await t.app.newEnvironment();
    await api.subscribe(t.receiver.url('/busy-long'));
    const published = await api.publish('payment.failed', { form: 'long' });
    const event = await waitFor(
      () => api.request('GET', `/events/${published.body.id}`),
      (r) => r.body.notifications.length === 1,
    );
    const pending = await waitFor(
      () => api.request('GET', `/notifications/${event.body.notifications[0].id}`),
      (r) => r.body.attemptCount >= 1,
    );
    const [first] = pending.body.attempts;
    expect(first.retryAfterMs).toBe(3_600_000);
    // RETRY_MAX_INTERVAL is 10 s here: the cap wins over the receiver's hour.
    expect(Date.parse(first.nextAttemptAt)).toBe(Date.parse(first.endedAt) + 10_000);
    expect(pending.body.nextAttemptAt).toBe(first.nextAttemptAt);
  });
});
