import { issueServiceToken, issueToken } from '../../support/environments';
import { PortalReader } from '../../support/portal';
import { useTestApp } from '../../support/test-app';

const REFUSED = 'That token does not open the portal.';

describe('the portal: signing in by pasting an API token', () => {
  const t = useTestApp();
  const sameOrigin = () => ({ origin: t.app.api.url });

  it('shows a labelled password field, and signs in with the environment’s subscriptions token to that environment only', async () => {
    const a = await t.app.newEnvironment({ scopes: ['subscriptions'] });
    const b = await t.app.newEnvironment();
    await a.api.subscribe(t.receiver.url('/sign-in-a'));
    await b.api.subscribe(t.receiver.url('/sign-in-b'));
    const reader = new PortalReader(t.app.api.url);
    const form = await reader.get('/portal/sign-in');
    expect(form.status).toBe(200);
    expect(form.html).toMatch(/<label for="token">API token<\/label>/);
    expect(form.html).toMatch(/<input id="token" name="token" type="password" autocomplete="off"/);

    const signedIn = await reader.signIn(a.token, sameOrigin());
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe('/portal/subscriptions');
    expect(signedIn.headers.getSetCookie().join('\n')).toMatch(/plude_portal=pps_[^;]+; Max-Age=43200; Path=\/portal; HttpOnly; SameSite=Strict/);
    const page = await reader.get('/portal/subscriptions');
    expect(page.status).toBe(200);
    expect(page.html).toContain(t.receiver.url('/sign-in-a'));
    expect(page.html).not.toContain(t.receiver.url('/sign-in-b'));
    const [row] = await t.app.db.query<{ api_token_id: string }[]>(`SELECT api_token_id FROM portal_sessions WHERE environment_id = $1`, [a.id]);
    expect(row.api_token_id).toBe(a.tokens[0].id);
  });

  it('refuses every token that does not open a session with the form again, 401, one message that never says which part was wrong', async () => {
    const a = await t.app.newEnvironment();
    const publisher = await issueToken(t.app.admin, a.id, ['publish']);
    const service = await issueServiceToken(t.app.admin, { name: `sign-in ${a.id}`, scopes: ['publish', 'portal'], environments: [a.id] });
    const revoked = await issueToken(t.app.admin, a.id, ['subscriptions']);
    expect((await t.app.admin.request('DELETE', `/admin/environments/${a.id}/tokens/${revoked.id}`)).status).toBe(204);
    const cases = {
      'a publish-only environment token': publisher.token,
      'a service token': service.token,
      'a revoked token': revoked.token,
      'an unknown token': 'pwh_' + 'Q'.repeat(43),
      'not a token': '<script>alert(1)</script>',
      nothing: '',
    };
    for (const [what, token] of Object.entries(cases)) {
      const reader = new PortalReader(t.app.api.url);
      const answer = await reader.signIn(token, sameOrigin());
      expect([what, answer.status]).toEqual([what, 401]);
      expect(answer.html).toContain(REFUSED);
      expect(answer.html).toContain('type="password"');
      expect(answer.html).not.toContain('<script>alert(1)</script>');
      expect(answer.headers.getSetCookie()).toEqual([]);
    }
  });

  it('refuses a sign-in posted from another origin (login CSRF), with a page', async () => {
    const a = await t.app.newEnvironment();
    const crossOrigin: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { 'sec-fetch-site': 'none' },
      { origin: 'null', 'sec-fetch-site': 'cross-site' },
      { origin: 'https://evil.example', 'sec-fetch-site': 'same-origin' },
    ];
    for (const headers of crossOrigin) {
      const reader = new PortalReader(t.app.api.url);
      const answer = await reader.signIn(a.token, headers);
      expect([headers, answer.status]).toEqual([headers, 403]);
      expect(answer.html).toContain('This sign-in did not come from the portal’s own page.');
      expect(answer.headers.getSetCookie()).toEqual([]);
    }
    const sameSite = await new PortalReader(t.app.api.url).signIn(a.token, { ...sameOrigin(), 'sec-fetch-site': 'same-origin' });
    expect(sameSite.status).toBe(303);
    // What a browser sends from the portal's page, whose Referrer-Policy is no-referrer: Origin null, Sec-Fetch-Site same-origin.
    const noReferrer = await new PortalReader(t.app.api.url).signIn(a.token, { origin: 'null', 'sec-fetch-site': 'same-origin' });
    expect(noReferrer.status).toBe(303);
  });

  it('ends a session signed in with a token once that token is revoked', async () => {
    const a = await t.app.newEnvironment({ scopes: ['subscriptions'] });
    const reader = new PortalReader(t.app.api.url);
    expect((await reader.signIn(a.token, sameOrigin())).status).toBe(303);
    expect((await reader.get('/portal/subscriptions')).status).toBe(200);
    expect((await t.app.admin.request('DELETE', `/admin/environments/${a.id}/tokens/${a.tokens[0].id}`)).status).toBe(204);
    const after = await reader.get('/portal/subscriptions');
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toBe('/portal/sign-in?ended=1');
  });
});
