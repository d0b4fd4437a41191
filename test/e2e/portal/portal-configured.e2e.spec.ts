import { randomBytes } from 'node:crypto';
import { issueToken } from '../../support/environments';
import { portalLink, PortalReader } from '../../support/portal';
import { useTestApp } from '../../support/test-app';

const PUBLIC_URL = 'https://webhooks.example.test';

/**
 * The portal as an operator configures it: PUBLIC_URL (links, Secure cookies, the sign-in's origin) with the admin
 * routes on a listener of their own, PORTAL_FRAME_ANCESTORS, an environment's branding, and AUTH_FAILURE_LIMIT on the
 * sign-in form.
 */
describe('the portal, configured: PUBLIC_URL, PORTAL_FRAME_ANCESTORS, branding, the sign-in’s failure limit', () => {
  const t = useTestApp({
    env: {
      PUBLIC_URL: `${PUBLIC_URL}/`,
      PORTAL_FRAME_ANCESTORS: 'self https://app.example.com https://*.example.org:8443',
      ADMIN_PORT: '0',
      AUTH_FAILURE_LIMIT: '1/m,burst=3',
    },
  });

  it('makes links of PUBLIC_URL, not of the admin listener that answered, and sets Secure cookies', async () => {
    const { id } = await t.app.newEnvironment();
    const link = await portalLink(t.app, id);
    expect(link.url).toMatch(new RegExp(`^${PUBLIC_URL}/portal/enter\\?link=ppl_`));
    expect(t.app.admin.urlOf(`/admin/environments/${id}/portal-sessions`)).toBe(`${t.app.api.adminUrl}/admin/environments/${id}/portal-sessions`);
    expect(t.app.api.adminUrl).not.toBe(t.app.api.url);
    const reader = new PortalReader(t.app.api.url);
    const opened = await reader.open(link.url);
    expect(opened.status).toBe(200);
    expect(opened.headers.getSetCookie().join('\n')).toMatch(/plude_portal=pps_[^;]+; Max-Age=43200; Path=\/portal; HttpOnly; Secure; SameSite=Strict/);
  });

  it('lets the origins PORTAL_FRAME_ANCESTORS names frame the portal, and no other', async () => {
    const page = await new PortalReader(t.app.api.url).get('/portal/sign-in');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'self' https://app.example.com https://*.example.org:8443");
    expect(csp.split(';').filter((directive) => directive.trim().startsWith('frame-ancestors'))).toHaveLength(1);
  });

  it('takes a sign-in from PUBLIC_URL’s origin only', async () => {
    const { id } = await t.app.newEnvironment();
    const { token } = await issueToken(t.app.admin, id, ['subscriptions']);
    expect((await new PortalReader(t.app.api.url).signIn(token, { origin: t.app.api.url })).status).toBe(403);
    const signedIn = await new PortalReader(t.app.api.url).signIn(token, { origin: PUBLIC_URL });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.getSetCookie().join('\n')).toContain('; Secure;');
  });

  it('brands an environment through PATCH /admin/environments/:id, and the portal shows it, escaped, the accent from a style sheet', async () => {
    const { id } = await t.app.newEnvironment();
    const patch = (body: object) => t.app.admin.request('PATCH', `/admin/environments/${id}`, body);
    const branded = await patch({ displayName: 'Acme <script>alert(1)</script>', accentColor: '#0A7D52', logoUrl: 'https://cdn.example.com/acme.svg?v="1"' });
    expect(branded.status).toBe(200);
    expect(branded.body).toMatchObject({
      displayName: 'Acme <script>alert(1)</script>',
      accentColor: '#0a7d52',
      logoUrl: 'https://cdn.example.com/acme.svg?v="1"',
    });
    expect((await t.app.admin.request('GET', `/admin/environments/${id}`)).body).toMatchObject({ accentColor: '#0a7d52' });

    const reader = new PortalReader(t.app.api.url);
    expect((await reader.open((await portalLink(t.app, id)).url)).status).toBe(200);
    const page = await reader.get('/portal/subscriptions');
    expect(page.html).toContain(
      '<span class="brand"><img src="https://cdn.example.com/acme.svg?v=&quot;1&quot;" alt="Acme &lt;script>alert(1)&lt;/script> logo"/>Acme &lt;script>alert(1)&lt;/script></span>',
    );
    expect(page.html).not.toContain('<script>alert(1)');
    expect(page.html).not.toMatch(/ style=/);
    expect(page.html).toContain('<link rel="stylesheet" href="/portal/assets/accent-0a7d52.css"/>');
    const sheet = await fetch(`${t.app.api.url}/portal/assets/accent-0a7d52.css`);
    expect(sheet.status).toBe(200);
    expect(sheet.headers.get('content-type')).toMatch(/^text\/css/);
    expect(await sheet.text()).toBe(':root {\n  --accent: #0a7d52;\n}\n');
    for (const name of ['accent-0A7D52.css', 'accent-0a7d5.css', 'accent-0a7d52;x.css', 'accent-zzzzzz.css']) {
      expect([name, (await fetch(`${t.app.api.url}/portal/assets/${encodeURIComponent(name)}`)).status]).toEqual([name, 404]);
    }

    for (const [body, message] of [
      [{ accentColor: 'red' }, 'accentColor must be a colour like #0a7d52'],
      [{ accentColor: '#0a7d52;}body{x:y' }, 'accentColor must be a colour like #0a7d52'],
      [{ logoUrl: 'http://cdn.example.com/acme.svg' }, 'logoUrl must be an https:// URL'],
      [{ logoUrl: 'javascript:alert(1)' }, 'logoUrl must be an https:// URL'],
      [{ displayName: '' }, 'displayName must be a string of 1-100 characters'],
      [{ displayName: 'x'.repeat(101) }, 'displayName must be a string of 1-100 characters'],
    ] as const) {
      const refused = await patch(body);
      expect([body, refused.status, String(refused.body.message)]).toEqual([body, 400, expect.stringContaining(message)]);
    }

    const cleared = await patch({ displayName: null, accentColor: null, logoUrl: null });
    expect(cleared.body).toMatchObject({ displayName: null, accentColor: null, logoUrl: null, allowPrivateTargets: false });
    const plain = await reader.get('/portal/subscriptions');
    expect(plain.html).toContain('<span class="brand">Webhooks</span>');
    expect(plain.html).not.toContain('accent-');
  });

  // Last: it uses up this address's failures, which the admin token's requests count against too.
  it('counts a wrong pasted token against the address’s AUTH_FAILURE_LIMIT: past it, a 429 page before any lookup', async () => {
    const { id } = await t.app.newEnvironment();
    const { token } = await issueToken(t.app.admin, id, ['subscriptions']);
    const guess = () => `pwh_${randomBytes(32).toString('base64url')}`;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await new PortalReader(t.app.api.url).signIn(guess(), { origin: PUBLIC_URL })).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const limited = await new PortalReader(t.app.api.url).signIn(token, { origin: PUBLIC_URL });
    expect(limited.status).toBe(429);
    expect(limited.html).toContain('too many failed authentications from this address');
  });
});
