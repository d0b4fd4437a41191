import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { axeViolations, expectAccessible, launchChromium, seriousViolations, watchedPage } from '../support/browser';
import { portalLink } from '../support/portal';
import { useTestApp } from '../support/test-app';

/**
 * PORTAL_SCREENSHOTS=docs writes the README's screenshots (docs/portal-*.png); otherwise they go to a temporary folder,
 * so that a test run leaves the repository as it was.
 */
const SCREENSHOTS = process.env.PORTAL_SCREENSHOTS ?? '/tmp/plude-portal-screenshots';

describe('the integrator portal, in a real browser', () => {
  const t = useTestApp();
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('a link opens the environment’s portal once: its subscriptions, accessible, with no CSP refusal; the used link is refused', async () => {
    const { id, api } = await t.app.newEnvironment();
    await api.subscribe(t.receiver.url('/browser-portal'));
    const link = await portalLink(t.app, id);
    const { page, refusals } = await watchedPage(browser);
    try {
      await page.goto(link.url);
      await page.waitForURL(/\/portal\/subscriptions$/);
      await page.getByRole('heading', { level: 1, name: 'Subscriptions' }).waitFor();
      expect(await page.getByText(t.receiver.url('/browser-portal')).count()).toBeGreaterThan(0);
      await expectAccessible(page);
      await page.screenshot({ path: join(SCREENSHOTS, 'portal-subscriptions.png') });

      const again = await browser.newPage();
      await again.goto(link.url);
      await again.getByText('This portal link cannot be used').waitFor();
      await expectAccessible(again);
      await again.close();
      expect(refusals).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('the accessibility check can fail: axe-core reports an image without text and an unlabelled field as serious or critical', async () => {
    const { page } = await watchedPage(browser);
    try {
      await page.setContent(
        '<!doctype html><html lang="en"><head><title>t</title></head><body><main><img src="x.png"><input type="text"></main></body></html>',
      );
      expect(seriousViolations(await axeViolations(page)).join('\n')).toMatch(/image-alt[\s\S]*label|label[\s\S]*image-alt/);
    } finally {
      await page.close();
    }
  });
});
