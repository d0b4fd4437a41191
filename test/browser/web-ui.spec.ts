import type { Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { waitFor } from '../support/wait';
import { useTestApp } from '../support/test-app';
import { publishDelivered } from '../support/deliveries';

const SCREENSHOT = '/tmp/plude-web-ui-summary.png';
const FAILURE_SCREENSHOT = '/tmp/plude-web-ui-failure.png';

/** The text of the page and of its frames (the UI renders a workflow's summary and details, markdown, in a frame). */
const allText = async (page: Page) =>
  (await Promise.all(page.frames().map((frame) => frame.evaluate('document.body ? document.body.innerText : ""').catch(() => '')))).join('\n');

describe('the Temporal Web UI, in a real browser', () => {
  const t = useTestApp();

  it('lists a subscription’s delivery workflows by PludeSubscription, and shows a delivered one’s static summary and details', async () => {
    const uiUrl = process.env.TEMPORAL_UI_URL;
    if (!uiUrl)
      throw new Error('TEMPORAL_UI_URL is not set: the suite’s dev server runs its Web UI (test/support/global-setup.ts), or set it beside TEMPORAL_ADDRESS');
    const { id: environmentId, api } = await t.app.newEnvironment();
    const { body: subscription } = await api.subscribe(t.receiver.url('/web-ui?token=never-shown'));
    const { published, notificationId } = await publishDelivered(api, 'invoice.paid', { invoice: 'in_42', amount: 4200 });
    const summary = `invoice.paid → ${new URL(t.receiver.url()).host}`;

    const browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    try {
      const query = `PludeSubscription="${subscription.id}"`;
      await page.goto(`${uiUrl}/namespaces/default/workflows?query=${encodeURIComponent(query)}`);
      // The list (UI 2.42 has no summary column) finds the subscription's workflow; its page shows the summary.
      await page.getByRole('link', { name: notificationId }).first().click({ timeout: 30_000 });
      await page.getByText('User Metadata', { exact: true }).first().click({ timeout: 30_000 });
      await page.waitForURL(/\/user-metadata$/);
      // The summary and, beside it, the details: the subscription, event and environment IDs.
      const ids = [subscription.id, published.body.id, environmentId];
      const text = await waitFor(
        () => allText(page),
        (shown) => [summary, ...ids].every((part) => shown.includes(part)),
        30_000,
      );
      expect(text).not.toContain('never-shown');
      await page.screenshot({ path: SCREENSHOT });
    } catch (err) {
      await page.screenshot({ path: FAILURE_SCREENSHOT, fullPage: true }).catch(() => undefined);
      throw new Error(`${(err as Error).message}\n(the page as it was: ${FAILURE_SCREENSHOT})`, { cause: err });
    } finally {
      await browser.close();
    }
  });
});
