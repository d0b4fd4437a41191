import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApiTokenService, hashToken } from '../../src/auth/api-token.service';
import { newId } from '../../src/domain/ids';
import { ApiTokenRepository } from '../../src/persistence/repositories/api-token.repository';
import { ensureSandbox, SANDBOX } from '../../src/runtime/first-run';
import { ApiClient } from '../support/api-client';
import { useTestApp } from '../support/test-app';

describe('admin API: an environment’s tokens', () => {
  const t = useTestApp();
  const tokensOf = (environmentId: string) => t.app.admin.request('GET', `/admin/environments/${environmentId}/tokens`);
  const revoke = (environmentId: string, tokenId: string) => t.app.admin.request('DELETE', `/admin/environments/${environmentId}/tokens/${tokenId}`);
  const tokenRow = async (tokenId: string) =>
    ((await t.app.db.query(`SELECT last_used_at, xmin::text AS version FROM api_tokens WHERE id = $1`, [tokenId])) as { last_used_at: Date | null; version: string }[])[0];

  it('lists id, prefix, createdAt, lastUsedAt and revokedAt, never the token or its hash', async () => {
    const { id, token } = await t.app.newEnvironment();
    const second = await t.app.admin.request('POST', `/admin/environments/${id}/tokens`);
    const listed = await tokensOf(id);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([
      { id: expect.stringMatching(/^tok_/), prefix: token.slice(0, 12), createdAt: expect.any(String), lastUsedAt: null, revokedAt: null },
      { id: second.body.id, prefix: second.body.token.slice(0, 12), createdAt: second.body.createdAt, lastUsedAt: null, revokedAt: null },
    ]);
    const text = JSON.stringify(listed.body);
    for (const secret of [token, second.body.token, hashToken(token), hashToken(second.body.token)]) expect(text).not.toContain(secret);
  });

  it('records when a token was last used, to the minute, without a write per request', async () => {
    const { id, api } = await t.app.newEnvironment();
    const [{ id: tokenId }] = (await tokensOf(id)).body;
    const before = Date.now();
    expect((await api.subscribe(t.receiver.url('/last-used'))).status).toBe(200);
    const [listed] = (await tokensOf(id)).body;
    expect(Date.parse(listed.lastUsedAt)).toBeGreaterThanOrEqual(before - 1_000);
    expect(Date.parse(listed.lastUsedAt)).toBeLessThanOrEqual(Date.now() + 1_000);

    // Without a cache in front (another process, or after it expires), an authentication within the minute writes nothing.
    const { token, id: issuedId } = (await t.app.admin.request('POST', `/admin/environments/${id}/tokens`)).body;
    const freshProcess = () => new ApiTokenService(new ApiTokenRepository(t.app.db));
    expect(await freshProcess().environmentOf(token)).toBe(id);
    const used = await tokenRow(issuedId);
    expect(used.last_used_at).not.toBeNull();
    expect(await freshProcess().environmentOf(token)).toBe(id);
    expect(await tokenRow(issuedId)).toEqual(used);

    await t.app.db.query(`UPDATE api_tokens SET last_used_at = now() - interval '61 seconds' WHERE id = $1`, [issuedId]);
    const stale = await tokenRow(issuedId);
    expect(await freshProcess().environmentOf(token)).toBe(id);
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
