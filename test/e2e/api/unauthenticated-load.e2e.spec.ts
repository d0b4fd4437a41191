import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { useTestApp } from '../../support/test-app';

interface Answer {
  status: number;
  retryAfter?: string;
  body: { error?: string; message?: string };
}

/**
 * GET /webhooks/subscriptions with `token`, sent from `address` (any 127.0.0.0/8 address reaches the API on
 * 127.0.0.1, and the API sees it as the client's): each test has addresses of its own, so that no test spends
 * another's failures.
 */
function listFrom(baseUrl: string, address: string, environmentId: string, token: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      `${baseUrl}/webhooks/subscriptions`,
      { localAddress: address, headers: { authorization: `Bearer ${token}`, 'x-environment': environmentId, 'x-version': '2022-03' } },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () =>
          resolve({
            status: incoming.statusCode ?? 0,
            retryAfter: incoming.headers['retry-after'],
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Answer['body'],
          }),
        );
      },
    );
    outgoing.on('error', reject).end();
  });
}

const unknownToken = () => `pwh_${randomBytes(32).toString('base64url')}`;

/** Unknown tokens cost little (issue 19): remembered as unknown, and failed lookups limited per client address. */
describe('unknown and revoked tokens (AUTH_FAILURE_LIMIT=0.5/s,burst=3)', () => {
  // A refill of one failure every 2 s: the four quick requests below stay well within it on a busy machine.
  const t = useTestApp({ env: { AUTH_FAILURE_LIMIT: '0.5/s,burst=3' } });
  /** The token lookups the API makes, counted on its own DataSource (the real queries still run). */
  let lookups = 0;
  beforeAll(() => {
    const query = t.app.db.query.bind(t.app.db);
    jest.spyOn(t.app.db, 'query').mockImplementation((sql: string, ...rest: unknown[]) => {
      if (sql.includes('FROM api_tokens WHERE token_hash')) lookups++;
      return (query as (sql: string, ...rest: unknown[]) => Promise<unknown>)(sql, ...rest);
    });
  });
  afterAll(() => jest.restoreAllMocks());

  it('looks an unknown token up once, then answers 401 from memory; a revoked token is not looked up again', async () => {
    const { id, tokens } = await t.app.newEnvironment({ tokens: 2 });
    const list = (token: string) => listFrom(t.app.api.url, '127.0.0.10', id, token);
    const unknown = unknownToken();
    const before = lookups;
    for (let i = 0; i < 5; i++) expect((await list(unknown)).status).toBe(401);
    expect(lookups - before).toBe(1);

    const [revoked, kept] = tokens;
    expect((await list(revoked.token)).status).toBe(200);
    expect((await t.app.admin.request('DELETE', `/admin/environments/${id}/tokens/${revoked.id}`)).status).toBe(204);
    const afterRevoke = lookups;
    for (let i = 0; i < 5; i++) expect((await list(revoked.token)).status).toBe(401);
    expect(lookups).toBe(afterRevoke);
    // The environment's other token is untouched, and so is a token issued now.
    expect((await list(kept.token)).status).toBe(200);
    const issued = await t.app.admin.request('POST', `/admin/environments/${id}/tokens`);
    expect((await list(issued.body.token)).status).toBe(200);
  });

  it('after 3 failed lookups from one address, a 4th token that needs a lookup gets 429 with Retry-After before any query; known tokens and other addresses are unaffected', async () => {
    const { id, tokens } = await t.app.newEnvironment({ tokens: 2 });
    const [used, unused] = tokens.map((token) => token.token);
    const limitedAddress = (token: string) => listFrom(t.app.api.url, '127.0.0.20', id, token);
    const otherAddress = (token: string) => listFrom(t.app.api.url, '127.0.0.21', id, token);
    expect((await limitedAddress(used)).status).toBe(200); // now known live to the process

    const failed = [unknownToken(), unknownToken(), unknownToken()];
    for (const token of failed) expect((await limitedAddress(token)).status).toBe(401);
    const before = lookups;
    const limited = await limitedAddress(unknownToken());
    expect(limited).toEqual({
      status: 429,
      retryAfter: '2',
      body: {
        statusCode: 429,
        error: 'rate_limited',
        message: 'too many failed authentications from this address: at most 0.5 a second, in bursts of at most 3 (AUTH_FAILURE_LIMIT); retry after 2 s',
      },
    });
    // A token this process has never found live needs a lookup: refused too, for now.
    expect((await limitedAddress(unused)).status).toBe(429);
    expect(lookups).toBe(before);
    // What needs no lookup is answered as ever: a token known live, one remembered as unknown, a malformed one.
    expect((await limitedAddress(used)).status).toBe(200);
    expect((await limitedAddress(failed[0])).status).toBe(401);
    expect((await limitedAddress('not-a-token')).status).toBe(401);

    // Another address has failures of its own.
    expect((await otherAddress(unknownToken())).status).toBe(401);
    expect((await otherAddress(unused)).status).toBe(200);
    expect((await limitedAddress(unused)).status).toBe(200); // found live by the other address's request

    // After Retry-After, the limited address may look a token up again.
    await new Promise((resolve) => setTimeout(resolve, Number(limited.retryAfter) * 1000));
    expect((await limitedAddress(unknownToken())).status).toBe(401);
  });
});
