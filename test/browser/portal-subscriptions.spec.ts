import type { Browser } from 'playwright-core';
import { expectAccessible, launchChromium, watchedPage } from '../support/browser';
import { declareType, typePrefix } from '../support/catalog';
import { portalLink } from '../support/portal';
import { useTestApp } from '../support/test-app';

describe('the portal’s subscription and catalog pages, in a real browser', () => {
  const t = useTestApp();
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('create (refused, then accepted), reveal, rotate, pause, resume, the catalog, delete with the dialog: accessible, no CSP refusal', async () => {
    const { id, api } = await t.app.newEnvironment();
    const type = `${typePrefix()}.invoice.paid`;
    await declareType(t.app.admin, type, { description: 'An invoice was paid', example: { invoice: 'in_1' } });
    const { page, refusals } = await watchedPage(browser);
    try {
      await page.goto((await portalLink(t.app, id)).url);
      await page.waitForURL(/\/portal\/subscriptions$/);
      await page.getByRole('link', { name: 'New subscription' }).click();
      await page.getByRole('heading', { level: 1, name: 'New subscription' }).waitFor();
      await expectAccessible(page);

      await page.getByLabel('URL').fill('http://receiver.example/hooks');
      await page.getByRole('button', { name: 'Subscribe' }).click();
      await page.getByText('url must use https (got http:)').waitFor();
      expect(await page.getByLabel('URL').inputValue()).toBe('http://receiver.example/hooks');
      await expectAccessible(page);

      const url = t.receiver.url('/browser-subscription');
      await page.getByLabel('URL').fill(url);
      await page.getByLabel(type).check();
      await page.getByRole('button', { name: 'Subscribe' }).click();
      await page.getByText('Subscribed.').waitFor();
      await expectAccessible(page);

      await page.getByRole('button', { name: 'Reveal signing key' }).click();
      const key = await page.locator('#signing-key-value').textContent();
      expect(key).toMatch(/^whsec_/);
      await expectAccessible(page);

      await page.getByLabel('Older keys keep signing for').selectOption('0s');
      await page.getByRole('button', { name: 'Rotate the key' }).click();
      await page.getByText('A new signing key signs from now on').waitFor();
      await page.getByRole('button', { name: 'Reveal signing key' }).click();
      expect(await page.locator('#signing-key-value').textContent()).not.toBe(key);

      await page.getByRole('button', { name: 'Pause' }).click();
      await page.getByText('Paused: notifications are held').waitFor();
      await page.getByRole('button', { name: 'Resume' }).click();
      await page.getByText('Resumed: held notifications are on their way.').waitFor();

      await page.getByRole('link', { name: 'Event catalog' }).click();
      await page.getByRole('heading', { level: 2, name: type }).waitFor();
      await expectAccessible(page);

      await page.getByRole('link', { name: 'Subscriptions' }).click();
      await page.getByRole('link', { name: url }).click();
      page.once('dialog', (dialog) => void dialog.accept());
      await page.getByRole('button', { name: 'Delete subscription' }).click();
      await page.getByText('Deleted: its pending notifications were cancelled.').waitFor();
      expect((await api.request('GET', '/webhooks/subscriptions')).body.items).toEqual([]);
      expect(refusals).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
