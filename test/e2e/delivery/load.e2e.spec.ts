import { waitFor } from '../../support/wait';
import { useTestApp } from '../../support/test-app';

const DELIVERIES = 100;

describe(`${DELIVERIES} concurrent deliveries to one slow receiver (real API, Temporal, PostgreSQL, HTTPS)`, () => {
  // RATE_LIMIT off: one token makes 101 requests in a row, and this test measures deliveries, not the API's limit.
  const t = useTestApp({ receiver: { answerAfterMs: 1_000 }, env: { DELIVERY_TIMEOUT: '3s', RATE_LIMIT: 'off' } });

  it('succeed on their first attempt: no delivery waits for a connection behind the others', async () => {
    const { api } = await t.app.newEnvironment();
    for (let i = 0; i < DELIVERIES; i++) {
      expect((await api.subscribe(t.receiver.url(`/slow/${i}`))).status).toBe(200);
    }
    const published = await api.publish('load.tested', { deliveries: DELIVERIES });
    expect(published.body.notifications).toBe(DELIVERIES);

    type Row = { id: string; status: string; attempt_count: number };
    const rows = await waitFor(
      () => t.app.db.query(`SELECT id, status, attempt_count FROM notifications WHERE event_id = $1 ORDER BY id`, [published.body.id]),
      (r: Row[]) => r.length === DELIVERIES && r.every((row) => row.status === 'succeeded'),
    );
    // A delivery that queued behind 16 connections would have timed out once and succeeded on attempt 2.
    expect(rows.filter((row) => row.attempt_count !== 1)).toEqual([]);
    expect(t.receiver.requests).toHaveLength(DELIVERIES);
    expect(t.receiver.maxInFlight).toBeGreaterThan(16);

    const one = await api.request('GET', `/notifications/${rows[0].id}`);
    expect(one.body).toMatchObject({ status: 'succeeded', attemptCount: 1 });
  });
});
