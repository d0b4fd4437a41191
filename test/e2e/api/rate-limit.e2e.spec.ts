import type { ApiClient, ApiResponse } from '../../support/api-client';
import { type OpenApiDocument, ResponseChecker } from '../../support/openapi-check';
import { useTestApp } from '../../support/test-app';

/** Waits as long as a 429's Retry-After asks: what a client is told to do, so the test does it. */
const waitRetryAfter = (response: ApiResponse) => new Promise((resolve) => setTimeout(resolve, Number(response.headers.get('retry-after')) * 1000));

/**
 * RATE_LIMIT in a real API: bursts of 5, one request a second back after that (a slow refill, so that six requests
 * in a row on a busy machine stay well within the second that would refill one).
 */
describe('RATE_LIMIT: requests per API token (1/s, bursts of 5)', () => {
  const t = useTestApp({ env: { RATE_LIMIT: '1/s,burst=5' } });
  let checker: ResponseChecker;
  let document: OpenApiDocument;
  beforeAll(async () => {
    document = (await (await fetch(`${t.app.api.url}/openapi.json`)).json()) as OpenApiDocument;
    checker = new ResponseChecker(document);
  });

  const list = (api: ApiClient) => api.request('GET', '/webhooks/subscriptions');

  /**
   * An environment and `tokens` API clients for it, made in the database as the admin API does: the admin token's
   * own bucket of 5 would not last the file.
   */
  async function environment(tokens = 1): Promise<{ id: string; clients: ApiClient[] }> {
    const { id, tokens: issued } = await t.app.newEnvironment({ database: t.app.db, tokens });
    return { id, clients: issued.map((token) => token.api) };
  }

  it('answers the 6th quick request of a token 429 with Retry-After and the usual error body; another token of the environment is unaffected; after Retry-After it passes', async () => {
    const {
      clients: [api, other],
    } = await environment(2);

    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await list(api)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const limited = await list(api);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.headers.get('x-request-id')).toMatch(/^req_/);
    expect(limited.body).toEqual({
      statusCode: 429,
      error: 'rate_limited',
      message: 'too many requests for this API token: at most 1 a second, in bursts of at most 5 (RATE_LIMIT); retry after 1 s',
    });
    checker.check('GET', '/webhooks/subscriptions', limited);

    // The other token has a bucket of its own.
    for (let i = 0; i < 5; i++) expect((await list(other)).status).toBe(200);
    expect((await list(other)).status).toBe(429);

    // A refused request takes nothing: after Retry-After, one more passes (one a second), and the next is refused.
    expect((await list(api)).status).toBe(429);
    await waitRetryAfter(limited);
    expect((await list(api)).status).toBe(200);
    const again = await list(api);
    expect([again.status, again.headers.get('retry-after')]).toEqual([429, '1']);
  });

  it('a publish refused with 429 stores nothing', async () => {
    const {
      id,
      clients: [api],
    } = await environment();
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await api.publish('limit.checked', { i })).status);
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
    const limited = await api.publish('limit.checked', { i: 6 });
    checker.check('POST', '/events', limited);
    expect(await t.app.db.query(`SELECT count(*)::int AS n FROM events WHERE environment_id = $1`, [id])).toEqual([{ n: 5 }]);
  });

  it('never counts a request without a valid token: those get 401, however many', async () => {
    const {
      id,
      clients: [api],
    } = await environment();
    // Twelve requests that fail authentication, naming the token's environment: unknown, malformed and missing tokens.
    const unauthenticated = [`pwh_${'B'.repeat(43)}`, 'not-a-token', undefined].map((token) => api.as({ token, environment: id, version: '2022-03' }));
    const answers = [];
    for (let i = 0; i < 12; i++) {
      const response = await list(unauthenticated[i % unauthenticated.length]);
      answers.push([response.status, response.body.error]);
    }
    expect(answers).toEqual(Array(12).fill([401, 'unauthorized']));
    // None of them took from the environment's token: its whole burst of 5 is left, and the 6th is refused.
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await list(api)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });

  it('documents the 429 and its Retry-After on every route that takes a token', () => {
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
    );
    const tokenRoutes = operations.filter(({ path }) => !/^\/(health|metrics|openapi|docs)/.test(path));
    expect(tokenRoutes.length).toBeGreaterThan(15);
    for (const { path, method, operation } of tokenRoutes) {
      expect([method, path, Object.keys(operation.responses['429']?.headers ?? {})]).toEqual([method, path, ['X-Request-Id', 'Retry-After']]);
    }
  });

  it('limits the admin token on its own, at the same rate, without touching API tokens', async () => {
    const {
      clients: [api],
    } = await environment();
    let limited: ApiResponse | undefined;
    for (let i = 0; i < 6 && !limited; i++) {
      const response = await t.app.admin.request('GET', '/admin/environments/nope');
      if (response.status === 429) limited = response;
      else expect(response.status).toBe(404);
    }
    expect(limited?.body).toEqual({
      statusCode: 429,
      error: 'rate_limited',
      message: 'too many requests for the admin token: at most 1 a second, in bursts of at most 5 (RATE_LIMIT); retry after 1 s',
    });
    expect(limited?.headers.get('retry-after')).toBe('1');
    checker.check('GET', '/admin/environments/{id}', limited!);
    expect((await list(api)).status).toBe(200);
    await waitRetryAfter(limited!);
    expect((await t.app.admin.request('GET', '/admin/environments/nope')).status).toBe(404);
  });
});
