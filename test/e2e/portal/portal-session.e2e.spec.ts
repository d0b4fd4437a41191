import { portalLink, PortalReader, signedInReader } from '../../support/portal';
import { useTestApp } from '../../support/test-app';

describe('the portal: a one-time link opens a session', () => {
  const t = useTestApp();

  it('opens once: the session reads its environment’s subscriptions; the same link again is refused with a page', async () => {
    const { id, api } = await t.app.newEnvironment();
    await api.subscribe(t.receiver.url('/portal-session'));
    const link = await portalLink(t.app, id);
    const reader = new PortalReader(t.app.api.url);
    const opened = await reader.open(link.url);
    expect(opened.status).toBe(200);
    expect(opened.headers.getSetCookie().join('\n')).toMatch(/plude_portal=pps_[^;]+; Max-Age=43200; Path=\/portal; HttpOnly; SameSite=Strict/);

    const page = await reader.get('/portal/subscriptions');
    expect(page.status).toBe(200);
    expect(page.html).toContain(t.receiver.url('/portal-session'));

    const again = await new PortalReader(t.app.api.url).open(link.url);
    expect(again.status).toBe(403);
    expect(again.html).toContain('This portal link cannot be used');
    expect(again.html).not.toMatch(/at .*\.js:\d+/);
  });

  it('sends a reader without a session to sign in, and refuses a change without the session’s CSRF token', async () => {
    const { id } = await t.app.newEnvironment();
    const anonymous = await new PortalReader(t.app.api.url).get('/portal/subscriptions');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/portal/sign-in');

    const reader = await signedInReader(t.app, id);
    await reader.get('/portal/subscriptions');
    const forged = await reader.post('/portal/sign-out', { _csrf: 'forged' });
    expect(forged.status).toBe(403);
    expect((await reader.get('/portal/subscriptions')).status).toBe(200);

    const out = await reader.post('/portal/sign-out');
    expect(out.status).toBe(303);
    expect((await reader.get('/portal/subscriptions')).status).toBe(303);
  });

  it('serves every page with a CSP without unsafe-inline that forbids framing by default', async () => {
    const { id } = await t.app.newEnvironment();
    const reader = await signedInReader(t.app, id);
    const page = await reader.get('/portal/subscriptions');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
  });
});
