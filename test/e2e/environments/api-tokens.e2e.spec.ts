import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hashToken } from '../../../src/auth/api-token';
import { TokenAuthenticator } from '../../../src/auth/token-authenticator';
import { newId } from '../../../src/domain/ids';
import { ApiTokenRepository } from '../../../src/persistence/repositories/api-token.repository';
import { EnvironmentRepository } from '../../../src/persistence/repositories/environment.repository';
import { ensureSandbox, SANDBOX } from '../../../src/runtime/first-run';
import { ApiClient } from '../../support/api-client';
import { rawRequest } from '../../support/raw-http';
import { ADMIN_TOKEN, useTestApp } from '../../support/test-app';

describe('admin API: an environment’s tokens', () => {
  // Its 401 cases fail dozens of authentications from 127.0.0.1: more than AUTH_FAILURE_LIMIT's default lets through
  // (test/e2e/api/unauthenticated-load.e2e.spec.ts tests the limit, test/e2e/api/admin-listener.e2e.spec.ts the admin's).
  const t = useTestApp({ env: { AUTH_FAILURE_LIMIT: 'off' } });
  const tokensOf = (environmentId: string) => t.app.admin.request('GET', `/admin/environments/${environmentId}/tokens`);
  const revoke = (environmentId: string, tokenId: string) => t.app.admin.request('DELETE', `/admin/environments/${environmentId}/tokens/${tokenId}`);
  const tokenRow = async (tokenId: string) =>
    (
      await t.app.db.query<{ last_used_at: Date | null; version: string }[]>(`SELECT last_used_at, xmin::text AS version FROM api_tokens WHERE id = $1`, [
        tokenId,
      ])
    )[0];

  it('lists id, prefix, scopes, createdAt, lastUsedAt and revokedAt, never the token or its hash', async () => {
    const { id, token } = await t.app.newEnvironment();
    const second = await t.app.admin.request('POST', `/admin/environments/${id}/tokens`);
    const listed = await tokensOf(id);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([
      {
        id: expect.stringMatching(/^tok_/),
        prefix: token.slice(0, 12),
        scopes: ['subscriptions', 'publish'],
        createdAt: expect.any(String),
        lastUsedAt: null,
        revokedAt: null,
      },
      {
        id: second.body.id,
        prefix: second.body.token.slice(0, 12),
        scopes: ['subscriptions'],
        createdAt: second.body.createdAt,
        lastUsedAt: null,
        revokedAt: null,
      },
    ]);
    const text = JSON.stringify(listed.body);
    for (const secret of [token, second.body.token, hashToken(token), hashToken(second.body.token)]) expect(text).not.toContain(secret);
  });

  it('records when a token was last used, to the minute, without a write per request', async () => {
    const { id, api } = await t.app.newEnvironment();
    expect((await tokensOf(id)).body).toHaveLength(1);
    const before = Date.now();
    expect((await api.subscribe(t.receiver.url('/last-used'))).status).toBe(200);
    const [listed] = (await tokensOf(id)).body;
    expect(Date.parse(listed.lastUsedAt)).toBeGreaterThanOrEqual(before - 1_000);
    expect(Date.parse(listed.lastUsedAt)).toBeLessThanOrEqual(Date.now() + 1_000);

    // Without a cache in front (another process, or after it expires), an authentication within the minute writes nothing.
    const { token, id: issuedId } = (await t.app.admin.request('POST', `/admin/environments/${id}/tokens`)).body;
    const freshProcess = () => new TokenAuthenticator(new ApiTokenRepository(t.app.db), new EnvironmentRepository(t.app.db));
    expect(await freshProcess().authenticate(token)).toMatchObject({ kind: 'environment', environmentId: id });
    const used = await tokenRow(issuedId);
    expect(used.last_used_at).not.toBeNull();
    expect(await freshProcess().authenticate(token)).toMatchObject({ kind: 'environment', environmentId: id });
    expect(await tokenRow(issuedId)).toEqual(used);

    await t.app.db.query(`UPDATE api_tokens SET last_used_at = now() - interval '61 seconds' WHERE id = $1`, [issuedId]);
    const stale = await tokenRow(issuedId);
    expect(await freshProcess().authenticate(token)).toMatchObject({ kind: 'environment', environmentId: id });
    const refreshed = await tokenRow(issuedId);
    expect(refreshed.version).not.toBe(stale.version);
    expect(refreshed.last_used_at!.getTime()).toBeGreaterThan(stale.last_used_at!.getTime() + 60_000);
  });

  it('revokes a token: 204, refused at once by this process although it was cached, listed with revokedAt', async () => {
    const { id, token, api } = await t.app.newEnvironment();
    expect((await api.subscribe(t.receiver.url('/revoked'))).status).toBe(200); // now in the 30 s cache
    const [{ id: tokenId }] = (await tokensOf(id)).body;

    const revoked = await revoke(id, tokenId);
    expect(revoked.status).toBe(204);
    expect(revoked.body).toBeUndefined();
    const refused = await api.subscribe(t.receiver.url('/revoked'));
    expect([refused.status, refused.body.error]).toEqual([401, 'unauthorized']);

    const [listed] = (await tokensOf(id)).body;
    expect(listed).toMatchObject({ id: tokenId, revokedAt: expect.any(String) });
    expect((await revoke(id, tokenId)).status).toBe(204);
    expect((await tokensOf(id)).body[0].revokedAt).toBe(listed.revokedAt);

    const another = await t.app.admin.request('POST', `/admin/environments/${id}/tokens`);
    expect((await api.as({ token: another.body.token, environment: id, version: '2022-03' }).subscribe(t.receiver.url('/revoked'))).status).toBe(200);
    expect(token).not.toBe(another.body.token);
  });

  it('answers 404 for another environment’s token, an unknown token and an unknown environment', async () => {
    const mine = await t.app.newEnvironment();
    const theirs = await t.app.newEnvironment();
    const [{ id: theirTokenId }] = (await tokensOf(theirs.id)).body;
    for (const tokenId of [theirTokenId, newId('tok'), 'nonsense']) {
      const response = await revoke(mine.id, tokenId);
      expect([response.status, response.body.error]).toEqual([404, 'not_found']);
    }
    expect((await tokensOf(theirs.id)).body[0].revokedAt).toBeNull();
    expect((await theirs.api.subscribe(t.receiver.url('/theirs'))).status).toBe(200);
    expect((await tokensOf('no-such-environment')).status).toBe(404);
    expect((await revoke('no-such-environment', theirTokenId)).status).toBe(404);
  });

  it('wants the admin token on every token route', async () => {
    const { id, token } = await t.app.newEnvironment();
    const [{ id: tokenId }] = (await tokensOf(id)).body;
    for (const client of [new ApiClient(t.app.api.url), new ApiClient(t.app.api.url, { token })]) {
      expect((await client.request('GET', `/admin/environments/${id}/tokens`)).status).toBe(401);
      expect((await client.request('POST', `/admin/environments/${id}/tokens`)).status).toBe(401);
      expect((await client.request('DELETE', `/admin/environments/${id}/tokens/${tokenId}`)).status).toBe(401);
    }
    expect((await tokensOf(id)).body).toHaveLength(1);
  });

  describe('401: one answer, byte for byte, whatever is wrong with the token', () => {
    /** Each request's Authorization header lines, as written on the wire. */
    async function answers(kinds: Record<string, string[]>, method: string, path: string, headerLines: string[], body = '') {
      const got: Record<string, { status: number; body: string; requestId: string | undefined }> = {};
      for (const [kind, lines] of Object.entries(kinds)) {
        const response = await rawRequest(t.app.api.url, method, path, [...headerLines, ...lines], body);
        got[kind] = { status: response.status, body: response.body, requestId: response.headers['x-request-id'] };
      }
      return got;
    }
    const unknown = `pwh_${'A'.repeat(43)}`;

    it('API token routes: missing, another scheme, empty, malformed, unknown, revoked, spaced, doubled', async () => {
      const { id, token } = await t.app.newEnvironment();
      const revoked = (await t.app.admin.request('POST', `/admin/environments/${id}/tokens`)).body;
      expect((await revoke(id, revoked.id)).status).toBe(204);
      const kinds: Record<string, string[]> = {
        missing: [],
        empty: ['Authorization:'],
        basic: [`Authorization: Basic ${Buffer.from(`user:${token}`).toString('base64')}`],
        'another scheme': [`Authorization: Token ${token}`],
        'no scheme': [`Authorization: ${token}`],
        'bearer, no token': ['Authorization: Bearer'],
        'bearer and spaces, no token': ['Authorization: Bearer    '],
        malformed: ['Authorization: Bearer not-a-token'],
        'too short': [`Authorization: Bearer ${token.slice(0, -1)}`],
        'too long': [`Authorization: Bearer ${token}A`],
        unknown: [`Authorization: Bearer ${unknown}`],
        'unknown, trailing space': [`Authorization: Bearer ${unknown} `],
        'unknown, lower case': [`Authorization: Bearer ${token.toLowerCase()}`],
        revoked: [`Authorization: Bearer ${revoked.token}`],
        'the admin token': [`Authorization: Bearer ${ADMIN_TOKEN}`],
        'two tokens in one header': [`Authorization: Bearer ${token} ${token}`],
        'a list in one header': [`Authorization: Bearer ${token}, Bearer ${token}`],
        'two headers, both valid': [`Authorization: Bearer ${token}`, `Authorization: Bearer ${token}`],
        'two headers, bad first': [`Authorization: Bearer ${unknown}`, `Authorization: Bearer ${token}`],
        'two headers, valid first': [`Authorization: Bearer ${token}`, `Authorization: Bearer ${unknown}`],
      };
      const environmentHeaders = [`X-environment: ${id}`, 'X-version: 2022-03'];
      const routes: [string, string, string[], string][] = [
        ['GET', '/webhooks/subscriptions', environmentHeaders, ''],
        ['GET', '/events/evt_nope', [], ''],
        ['POST', '/events', [...environmentHeaders, 'Content-Type: application/json'], '{"type":"a.b","data":{}}'],
      ];
      const bodies = new Set<string>();
      for (const [method, path, headerLines, body] of routes) {
        const got = await answers(kinds, method, path, headerLines, body);
        for (const [kind, answer] of Object.entries(got)) {
          expect([kind, answer.status]).toEqual([kind, 401]);
          expect(answer.requestId).toMatch(/^req_/);
          expect(answer.body).not.toContain(answer.requestId);
          bodies.add(answer.body);
        }
      }
      expect([...bodies]).toEqual(['{"statusCode":401,"error":"unauthorized","message":"a valid API token is required: Authorization: Bearer <token>"}']);

      // The same token alone, in any letter case of the scheme, with spaces or tabs around it (HTTP drops those), passes.
      const [ok] = routes;
      for (const line of [`Authorization: Bearer ${token}`, `authorization: bearer ${token}`, `Authorization: Bearer\t${token} \t `]) {
        expect([line, (await rawRequest(t.app.api.url, ok[0], ok[1], [...ok[2], line])).status]).toEqual([line, 200]);
      }
    });

    it('admin routes: one answer of their own', async () => {
      const { token } = await t.app.newEnvironment();
      const kinds: Record<string, string[]> = {
        missing: [],
        empty: ['Authorization:'],
        basic: [`Authorization: Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}`],
        'no scheme': [`Authorization: ${ADMIN_TOKEN}`],
        'bearer, no token': ['Authorization: Bearer '],
        wrong: [`Authorization: Bearer ${ADMIN_TOKEN}x`],
        prefix: [`Authorization: Bearer ${ADMIN_TOKEN.slice(0, -1)}`],
        'an API token': [`Authorization: Bearer ${token}`],
        'unknown, trailing space': [`Authorization: Bearer nope `],
        'two headers, both right': [`Authorization: Bearer ${ADMIN_TOKEN}`, `Authorization: Bearer ${ADMIN_TOKEN}`],
        'two headers, wrong first': [`Authorization: Bearer nope`, `Authorization: Bearer ${ADMIN_TOKEN}`],
      };
      const bodies = new Set<string>();
      for (const [method, path, body] of [
        ['GET', '/admin/environments/nope', ''],
        ['POST', '/admin/environments', '{"id":"never-made"}'],
      ]) {
        for (const [kind, answer] of Object.entries(await answers(kinds, method, path, ['Content-Type: application/json'], body))) {
          expect([kind, answer.status]).toEqual([kind, 401]);
          bodies.add(answer.body);
        }
      }
      expect([...bodies]).toEqual(['{"statusCode":401,"error":"unauthorized","message":"the admin token is required: Authorization: Bearer <ADMIN_TOKEN>"}']);
      expect((await rawRequest(t.app.api.url, 'GET', '/admin/environments/nope', [`Authorization: Bearer ${ADMIN_TOKEN} `])).status).toBe(404);
    });
  });

  describe('npm start’s sandbox token', () => {
    let dataDir: string;
    beforeAll(async () => (dataDir = await mkdtemp(path.join(tmpdir(), 'plude-sandbox-'))));
    afterAll(() => rm(dataDir, { recursive: true, force: true }));

    it('is created once, kept in the data folder, and replaced only after it is revoked', async () => {
      const first = await ensureSandbox(t.app.db, dataDir);
      expect(first).toEqual({ environmentId: SANDBOX, value: expect.stringMatching(/^pwh_/), file: path.join(dataDir, 'sandbox-token'), created: true });
      // plude listen receives on localhost: the sandbox may deliver there.
      expect((await t.app.admin.request('GET', `/admin/environments/${SANDBOX}`)).body).toMatchObject({ id: SANDBOX, allowPrivateTargets: true });
      const again = await ensureSandbox(t.app.db, dataDir);
      expect(again).toEqual({ ...first, created: false });
      expect((await tokensOf(SANDBOX)).body.find((listed: { prefix: string }) => listed.prefix === first.value.slice(0, 12)).lastUsedAt).toBeNull();

      const [{ id: tokenId }] = (await tokensOf(SANDBOX)).body.filter((listed: { revokedAt: string | null }) => listed.revokedAt === null);
      expect((await revoke(SANDBOX, tokenId)).status).toBe(204);
      const replaced = await ensureSandbox(t.app.db, dataDir);
      expect(replaced).toMatchObject({ created: true, file: first.file });
      expect(replaced.value).not.toBe(first.value);
    });
  });
});
