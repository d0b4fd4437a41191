import { issueServiceToken } from '../../support/environments';
import { portalLink, PortalReader, signedInReader } from '../../support/portal';
import { type TestApp, useTestApp } from '../../support/test-app';

/** Test-only SQL: moves the clocks of `environmentId`'s portal sessions and links (each test has its own environment). */
const setSessionClock = (app: TestApp, environmentId: string, assignment: string) =>
  app.db.query(`UPDATE portal_sessions SET ${assignment} WHERE environment_id = $1`, [environmentId]);

const SIGN_IN_ENDED = '/portal/sign-in?ended=1';

describe('the portal: who may make links, how long links and sessions live, revocation', () => {
  const t = useTestApp();
  const linkRoute = (environmentId: string) => `/admin/environments/${environmentId}/portal-sessions`;

  it('takes a ttl from 1s to 24h, at both edges, and makes links of the request’s own origin without PUBLIC_URL', async () => {
    const { id } = await t.app.newEnvironment();
    const ask = (ttl: string) => t.app.admin.request('POST', linkRoute(id), { ttl });
    for (const ttl of ['999ms', '86400001ms', '0s', '-1s', 'soon', '']) {
      const refused = await ask(ttl);
      expect([ttl, refused.status, refused.body.message]).toEqual([ttl, 400, 'ttl must be a duration from 1s to 24h, like "15m"']);
    }
    for (const [ttl, ms] of [
      ['1s', 1_000],
      ['1000ms', 1_000],
      ['24h', 86_400_000],
      ['86400000ms', 86_400_000],
    ] as const) {
      const before = Date.now();
      const made = await ask(ttl);
      expect(made.status).toBe(201);
      const expiresAt = Date.parse(made.body.expiresAt);
      expect(expiresAt).toBeGreaterThanOrEqual(before + ms - 1_000);
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + ms + 1_000);
      expect(made.body.url).toMatch(new RegExp(`^${t.app.api.url}/portal/enter\\?link=ppl_[A-Za-z0-9_-]{43}$`));
      expect(made.body.id).toMatch(/^pss_[0-9A-Z]{26}$/);
    }
    const byDefault = await t.app.admin.request('POST', linkRoute(id), {});
    expect(Date.parse(byDefault.body.expiresAt) - Date.now()).toBeGreaterThan(14 * 60_000);
    expect(Date.parse(byDefault.body.expiresAt) - Date.now()).toBeLessThanOrEqual(15 * 60_000);
  });

  it('gives links to the admin token and to a service token with the portal scope in that environment, and to nobody else', async () => {
    const a = await t.app.newEnvironment();
    const b = await t.app.newEnvironment();
    const as = (token: string) => t.app.admin.as({ token });
    const portalToken = await issueServiceToken(t.app.admin, { name: `portal ${a.id}`, scopes: ['portal'], environments: [a.id] });

    const made = await as(portalToken.token).request('POST', linkRoute(a.id), { ttl: '5m' });
    expect(made.status).toBe(201);
    expect((await new PortalReader(t.app.api.url).open(made.body.url)).status).toBe(200);

    const elsewhere = await as(portalToken.token).request('POST', linkRoute(b.id), {});
    expect(elsewhere.status).toBe(403);
    const publisher = await issueServiceToken(t.app.admin, { name: `publisher ${a.id}`, scopes: ['publish', 'catalog'], environments: [a.id] });
    const lacking = await as(publisher.token).request('POST', linkRoute(a.id), {});
    expect(lacking.status).toBe(403);
    expect(lacking.body.message).toContain('lacks the portal scope');
    // An environment's own token, even its integrator's, never hands out sessions.
    expect((await as(a.token).request('POST', linkRoute(a.id), {})).status).toBe(403);
    expect((await as('pwh_' + 'x'.repeat(43)).request('POST', linkRoute(a.id), {})).status).toBe(401);
    expect((await t.app.admin.as({}).request('POST', linkRoute(a.id), {})).status).toBe(401);
    // A service token for every environment may not name one that does not exist.
    const everywhere = await issueServiceToken(t.app.admin, { name: 'portal everywhere', scopes: ['portal'] });
    expect((await as(everywhere.token).request('POST', linkRoute(a.id), {})).status).toBe(201);
    expect((await as(everywhere.token).request('POST', linkRoute('env-nowhere'), {})).status).toBe(403);
    expect((await t.app.admin.request('POST', linkRoute('env-nowhere'), {})).status).toBe(404);
    // Only a service token may hold portal.
    const refused = await t.app.admin.request('POST', `/admin/environments/${a.id}/tokens`, { scopes: ['portal'] });
    expect(refused.status).toBe(400);
    // The service token revokes too.
    expect((await as(portalToken.token).request('DELETE', linkRoute(a.id))).status).toBe(204);
    expect((await as(portalToken.token).request('DELETE', linkRoute(b.id))).status).toBe(403);
  });

  it('opens a link until just before it expires, and shows a clear page for an expired, used or forged link', async () => {
    const { id } = await t.app.newEnvironment();
    const link = await portalLink(t.app, id);
    await setSessionClock(t.app, id, `link_expires_at = now() - interval '1 millisecond'`);
    const expired = await new PortalReader(t.app.api.url).open(link.url);
    expect(expired.status).toBe(403);
    expect(expired.html).toContain('This portal link cannot be used: it was already used, it has expired, or it is not a link we made.');

    const fresh = await portalLink(t.app, id);
    await setSessionClock(t.app, id, `link_expires_at = now() + interval '5 seconds'`);
    const reader = new PortalReader(t.app.api.url);
    expect((await reader.open(fresh.url)).status).toBe(200);
    const used = await new PortalReader(t.app.api.url).open(fresh.url);
    expect(used.status).toBe(403);
    expect(used.html).toContain('This portal link cannot be used');

    for (const forged of ['ppl_forged', 'ppl_' + 'A'.repeat(43), '', 'x'.repeat(5_000)]) {
      const answer = await new PortalReader(t.app.api.url).get(`/portal/enter?link=${encodeURIComponent(forged)}`);
      expect([forged.slice(0, 10), answer.status]).toEqual([forged.slice(0, 10), 403]);
      expect(answer.html).toContain('Ask the platform for a new one.');
      expect(answer.html).not.toMatch(/at .*\.js:\d+|Error:/);
    }
  });

  it('keeps a session that was idle just under an hour and ends one idle just over it, without sleeping', async () => {
    const { id } = await t.app.newEnvironment();
    const reader = await signedInReader(t.app, id);
    await setSessionClock(t.app, id, `last_seen_at = now() - interval '59 minutes 55 seconds'`);
    expect((await reader.get('/portal/subscriptions')).status).toBe(200);
    // That request restarted the idle clock.
    const [{ idle }] = await t.app.db.query<{ idle: number }[]>(
      `SELECT extract(epoch FROM now() - last_seen_at) AS idle FROM portal_sessions WHERE environment_id = $1`,
      [id],
    );
    expect(Number(idle)).toBeLessThan(5);
    await setSessionClock(t.app, id, `last_seen_at = now() - interval '1 hour 1 second'`);
    const ended = await reader.get('/portal/subscriptions');
    expect(ended.status).toBe(303);
    expect(ended.headers.get('location')).toBe(SIGN_IN_ENDED);
    const signIn = await reader.get(SIGN_IN_ENDED);
    expect(signIn.html).toContain('Your portal session has ended');
  });

  it('ends a session 12 hours after it opened, however busy: just before is accepted, just after refused', async () => {
    const { id } = await t.app.newEnvironment();
    const reader = await signedInReader(t.app, id);
    const [{ hours }] = await t.app.db.query<{ hours: number }[]>(
      `SELECT extract(epoch FROM expires_at - opened_at) / 3600 AS hours FROM portal_sessions WHERE environment_id = $1`,
      [id],
    );
    expect(Number(hours)).toBe(12);
    await setSessionClock(t.app, id, `opened_at = now() - interval '11 hours 59 minutes 55 seconds', expires_at = now() + interval '5 seconds'`);
    expect((await reader.get('/portal/subscriptions')).status).toBe(200);
    await setSessionClock(t.app, id, `opened_at = now() - interval '12 hours 1 millisecond', expires_at = now() - interval '1 millisecond'`);
    expect((await reader.get('/portal/subscriptions')).headers.get('location')).toBe(SIGN_IN_ENDED);
    // A change with the ended session's CSRF token is refused with a page too.
    const change = await reader.post('/portal/sign-out');
    expect(change.status).toBe(401);
    expect(change.html).toContain('Your portal session has ended');
  });

  it('forgets sessions and links that ended more than a day ago when the environment gets its next link, and keeps the rest', async () => {
    const { id } = await t.app.newEnvironment();
    const other = await t.app.newEnvironment();
    const ids = async (environmentId: string) =>
      (await t.app.db.query<{ id: string }[]>(`SELECT id FROM portal_sessions WHERE environment_id = $1 ORDER BY id`, [environmentId])).map((row) => row.id);
    const setOne = (sessionId: string, assignment: string) => t.app.db.query(`UPDATE portal_sessions SET ${assignment} WHERE id = $1`, [sessionId]);
    const [revokedLong, revokedRecently, expiredLong, expiredRecently, unusedLinkLong] = await Promise.all([1, 2, 3, 4, 5].map(() => portalLink(t.app, id)));
    const otherEnvironments = await portalLink(t.app, other.id);
    await setOne(revokedLong.id, `revoked_at = now() - interval '1 day 1 second'`);
    await setOne(revokedRecently.id, `revoked_at = now() - interval '23 hours 59 minutes'`);
    await setOne(
      expiredLong.id,
      `session_hash = 'x', opened_at = now() - interval '2 days', last_seen_at = now() - interval '2 days', expires_at = now() - interval '1 day 1 second'`,
    );
    await setOne(
      expiredRecently.id,
      `session_hash = 'y', opened_at = now() - interval '2 days', last_seen_at = now() - interval '2 days', expires_at = now() - interval '23 hours'`,
    );
    await setOne(unusedLinkLong.id, `link_expires_at = now() - interval '1 day 1 second'`);
    await t.app.db.query(`UPDATE portal_sessions SET revoked_at = now() - interval '2 days' WHERE id = $1`, [otherEnvironments.id]);

    const next = await portalLink(t.app, id);
    expect(await ids(id)).toEqual([revokedRecently.id, expiredRecently.id, next.id].sort());
    expect(await ids(other.id)).toEqual([otherEnvironments.id]); // another environment's wait for its own next link
  });

  it('revokes every session and unused link of an environment, or one of them, and no other environment’s', async () => {
    const a = await t.app.newEnvironment();
    const b = await t.app.newEnvironment();
    const first = await signedInReader(t.app, a.id);
    const secondLink = await portalLink(t.app, a.id);
    const second = new PortalReader(t.app.api.url);
    expect((await second.open(secondLink.url)).status).toBe(200);
    const other = await signedInReader(t.app, b.id);

    // One session: only that one ends; another environment's session ID is not found through this one.
    expect((await t.app.admin.request('DELETE', `${linkRoute(b.id)}/${secondLink.id}`)).status).toBe(404);
    expect((await second.get('/portal/subscriptions')).status).toBe(200);
    expect((await t.app.admin.request('DELETE', `${linkRoute(a.id)}/${secondLink.id}`)).status).toBe(204);
    expect((await t.app.admin.request('DELETE', `${linkRoute(a.id)}/${secondLink.id}`)).status).toBe(204); // again: still ended
    expect((await second.get('/portal/subscriptions')).headers.get('location')).toBe(SIGN_IN_ENDED);
    expect((await first.get('/portal/subscriptions')).status).toBe(200);
    expect((await t.app.admin.request('DELETE', `${linkRoute(a.id)}/pss_nothing`)).status).toBe(404);

    // Every session and unused link of A.
    const unused = await portalLink(t.app, a.id);
    expect((await t.app.admin.request('DELETE', linkRoute(a.id))).status).toBe(204);
    expect((await first.get('/portal/subscriptions')).headers.get('location')).toBe(SIGN_IN_ENDED);
    const refused = await new PortalReader(t.app.api.url).open(unused.url);
    expect(refused.status).toBe(403);
    expect(refused.html).toContain('This portal link cannot be used');
    expect((await other.get('/portal/subscriptions')).status).toBe(200);
    expect((await t.app.admin.request('DELETE', linkRoute('env-nowhere'))).status).toBe(404);
  });

  it('shows a session only its own environment: another environment’s subscriptions are never listed, their pages are 404 pages', async () => {
    const a = await t.app.newEnvironment();
    const b = await t.app.newEnvironment();
    const ofB = await b.api.subscribe(t.receiver.url('/portal-access-b-secret'));
    expect(ofB.status).toBe(200);
    const reader = await signedInReader(t.app, a.id);
    const list = await reader.get('/portal/subscriptions');
    expect(list.status).toBe(200);
    expect(list.html).not.toContain('portal-access-b-secret');
    const byId = await reader.get(`/portal/subscriptions/${ofB.body.id}`);
    expect(byId.status).toBe(404);
    expect(byId.html).not.toContain('portal-access-b-secret');
    const named = await reader.get(`/portal/subscriptions?environment=${b.id}`);
    expect(named.html).not.toContain('portal-access-b-secret');
  });

  it('refuses a change without the session’s CSRF token, or with another session’s', async () => {
    const a = await t.app.newEnvironment();
    const reader = await signedInReader(t.app, a.id);
    const another = await signedInReader(t.app, a.id);
    const anothersToken = /name="_csrf" value="([^"]+)"/.exec((await another.get('/portal/subscriptions')).html)?.[1] ?? '';
    await reader.get('/portal/subscriptions');
    for (const forged of ['', 'forged', anothersToken]) {
      const answer = await reader.post('/portal/sign-out', { _csrf: forged });
      expect([forged.slice(0, 8), answer.status]).toEqual([forged.slice(0, 8), 403]);
      expect(answer.html).toContain('did not come from this portal session');
    }
    expect((await reader.get('/portal/subscriptions')).status).toBe(200);
  });
});
