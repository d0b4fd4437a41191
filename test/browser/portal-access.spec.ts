import type { Browser } from 'playwright-core';
import { expectAccessible, launchChromium, watchedPage } from '../support/browser';
import { issueToken } from '../support/environments';
import { useTestApp } from '../support/test-app';

/** Signing in with a pasted token, by keyboard; a branded environment; a revoked session: each page accessible, no CSP refusal. */
describe('the integrator portal’s way in, in a real browser', () => {
  const t = useTestApp();
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('signs in with a pasted token by keyboard, shows the branding, and ends with a revocation that the next page explains', async () => {
    const { id, api } = await t.app.newEnvironment();
    await api.subscribe(t.receiver.url('/browser-sign-in'));
    const { token } = await issueToken(t.app.admin, id, ['subscriptions']);
    const branded = await t.app.admin.request('PATCH', `/admin/environments/${id}`, {
      displayName: 'Acme Billing',
      accentColor: '#0a5c3e',
      logoUrl: 'https://logo.invalid/acme.svg',
    });
    expect(branded.status).toBe(200);
    const { page, refusals } = await watchedPage(browser);
    try {
      await page.goto(`${t.app.api.url}/portal/sign-in`);
      await expectAccessible(page);
      await page.getByLabel('API token').focus();
      await page.keyboard.type('pwh_not-a-token');
      await page.keyboard.press('Enter');
      await page.getByRole('alert').getByText('That token does not open the portal.').waitFor();
      await expectAccessible(page);

      await page.getByLabel('API token').fill('');
      await page.getByLabel('API token').focus();
      await page.keyboard.type(token);
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/portal\/subscriptions$/);
      expect(await page.getByText(t.receiver.url('/browser-sign-in')).count()).toBeGreaterThan(0);
      expect(await page.locator('header .brand').innerText()).toBe('Acme Billing');
      expect(await page.getByRole('img', { name: 'Acme Billing logo' }).count()).toBe(1);
      const accent = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--accent').trim());
      expect(accent).toBe('#0a5c3e');
      await expectAccessible(page);

      expect((await t.app.admin.request('DELETE', `/admin/environments/${id}/portal-sessions`)).status).toBe(204);
      await page.reload();
      await page.waitForURL(/\/portal\/sign-in\?ended=1$/);
      await page.getByText('Your portal session has ended').waitFor();
      await expectAccessible(page);
      expect(refusals).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
