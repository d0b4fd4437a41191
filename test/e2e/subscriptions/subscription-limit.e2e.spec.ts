import { useTestApp } from '../../support/test-app';

const LIMIT = 3;

/** Issue 26: an environment holds at most MAX_SUBSCRIPTIONS_PER_ENVIRONMENT live subscriptions (3 here). */
describe('the subscription limit per environment', () => {
  const t = useTestApp({ env: { MAX_SUBSCRIPTIONS_PER_ENVIRONMENT: String(LIMIT) } });

  it(`accepts the ${LIMIT}rd subscription, refuses the next with a 409 naming the limit, and counts only live ones`, async () => {
    const { api } = await t.app.newEnvironment();
    const accepted = [];
    for (let n = 1; n <= LIMIT; n++) {
      const answer = await api.subscribe(t.receiver.url(`/limit-${n}`));
      expect(answer.status).toBe(200);
      accepted.push(answer.body.id as string);
    }

    const refused = await api.subscribe(t.receiver.url('/limit-beyond'));
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: 'conflict', statusCode: 409 });
    expect(refused.body.message).toContain(`${LIMIT} subscriptions`);
    expect(refused.body.message).toContain('MAX_SUBSCRIPTIONS_PER_ENVIRONMENT');

    // Subscribing a URL again is not a new subscription: still the same one, with its key.
    const again = await api.subscribe(t.receiver.url('/limit-1'));
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(accepted[0]);

    // Another environment has its own count.
    const { api: other } = await t.app.newEnvironment();
    expect((await other.subscribe(t.receiver.url('/limit-beyond'))).status).toBe(200);

    // A deleted subscription no longer counts.
    expect((await api.request('DELETE', `/webhooks/subscriptions/${accepted[1]}`)).status).toBe(204);
    expect((await api.subscribe(t.receiver.url('/limit-beyond'))).status).toBe(200);
    expect((await api.subscribe(t.receiver.url('/limit-beyond-again'))).status).toBe(409);
  });

  it('counts concurrent subscribes one after the other: of many at once, exactly the limit are accepted', async () => {
    const { api } = await t.app.newEnvironment();
    const answers = await Promise.all(Array.from({ length: 4 * LIMIT }, (_, n) => api.subscribe(t.receiver.url(`/race-${n}`))));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([...Array(LIMIT).fill(200), ...Array(3 * LIMIT).fill(409)]);
    expect((await api.request('GET', '/webhooks/subscriptions?limit=100')).body.items).toHaveLength(LIMIT);
  });
});
