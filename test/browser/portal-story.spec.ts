import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { expectAccessible, launchChromium, watchedPage } from '../support/browser';
import { declareType, typePrefix } from '../support/catalog';
import type { ReceivedRequest } from '../support/https-receiver';
import { portalLink } from '../support/portal';
import { useTestApp } from '../support/test-app';

/** PORTAL_SCREENSHOTS=docs writes README's screenshots (docs/portal-*.png); a plain run leaves the repository as it was. */
const SCREENSHOTS = process.env.PORTAL_SCREENSHOTS ?? '/tmp/plude-portal-screenshots';

/** What the story's receiver answers: 200, or 503 while `failing`. */
const receiverState = { failing: false };

/**
 * The main story in Chromium, as an integrator does it: open a link; subscribe a local HTTPS receiver; send a
 * test event and see it arrive and as a notification with its attempt; a failing receiver's retry appear; redeliver;
 * rotate the key (the receiver verifies with the new one); pause and resume; delete. The first half with the keyboard
 * alone. Every page: axe-core finds no serious or critical violation, and the CSP refuses nothing.
 */
describe('the portal’s main story, in a real browser', () => {
  const t = useTestApp({ responder: () => (receiverState.failing ? { status: 503, body: 'down for <b>maintenance</b>' } : 200) });
  let browser: Browser;
  let page: Page;
  let refusals: string[];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    receiverState.failing = false;
    ({ page, refusals } = await watchedPage(browser, { width: 1280, height: 900 }));
  });
  afterEach(async () => {
    await page.close();
    expect(refusals).toEqual([]);
  });

  const shoot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `portal-${name}.png`) });

  /** Describes the focused element: its tag, role, and accessible text (label, value or content). */
  const focused = () =>
    page.evaluate(() => {
      const element = document.activeElement as HTMLElement | null;
      if (!element) return '';
      const input = element as HTMLInputElement;
      const labels = input.labels
        ? Array.from(input.labels)
            .map((label) => label.textContent ?? '')
            .join(' ')
        : '';
      return `${element.tagName.toLowerCase()}#${element.id} ${labels} ${element.getAttribute('aria-label') ?? ''} ${element.textContent ?? ''}`.replace(
        /\s+/g,
        ' ',
      );
    });

  /** Presses Tab until the focused element's description includes `what` (at most 60 presses): reachable by keyboard. */
  async function tabTo(what: string): Promise<void> {
    for (let presses = 0; presses < 60; presses++) {
      await page.keyboard.press('Tab');
      if ((await focused()).includes(what)) return;
    }
    throw new Error(`"${what}" cannot be reached with the Tab key (the focus ended on: ${await focused()})`);
  }

  /** The story's deliveries to `path`, verified with `key` (Standard Webhooks); throws for a bad signature. */
  const verified = (requests: ReceivedRequest[], key: string) =>
    requests.map((request) => new Webhook(key).verify(request.body, request.headers) as { id: string });

  it('keyboard alone: open a link, subscribe the receiver, send a test event, and read its delivered attempt', async () => {
    const { id } = await t.app.newEnvironment();
    const type = `${typePrefix()}.invoice.paid`;
    await declareType(t.app.admin, type, { description: 'An invoice was paid', example: { invoice: 'in_1', amount: 4200 } });
    const url = t.receiver.url('/story-keyboard');

    await page.goto((await portalLink(t.app, id)).url);
    await page.waitForURL(/\/portal\/subscriptions$/);
    await tabTo('New subscription');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/portal\/subscriptions\/new$/);
    await tabTo('URL');
    await page.keyboard.type(url);
    await tabTo(type);
    await page.keyboard.press('Space');
    await tabTo('Subscribe');
    await page.keyboard.press('Enter');
    await page.getByText('Subscribed.').waitFor();

    await tabTo('Notifications');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/portal\/notifications$/);
    await tabTo('select#test-type');
    await page.keyboard.type(type); // a select's type-ahead picks the story's type
    await tabTo('Send test event');
    await page.keyboard.press('Enter');
    const [arrived] = await t.receiver.arrived('/story-keyboard');
    expect(arrived.headers['webhook-test']).toBe('true');
    expect(JSON.parse(arrived.body)).toMatchObject({ type, data: { invoice: 'in_1', amount: 4200 } });
    await page.getByRole('heading', { name: /Attempts \(1\)/ }).waitFor();
    await page.getByText('200', { exact: true }).first().waitFor();
    expect(await page.textContent('main')).toContain(arrived.headers['webhook-id']);
  });

  it('a retry appears for a failing receiver; redeliver; rotate the key and the receiver verifies the new one; pause, resume, delete', async () => {
    const { id, api } = await t.app.newEnvironment();
    const type = `${typePrefix()}.order.shipped`;
    await declareType(t.app.admin, type, { description: 'An order was shipped', example: { order: 'or_7' } });
    const path = '/story-mouse';
    const url = t.receiver.url(path);

    await page.goto((await portalLink(t.app, id)).url);
    await page.waitForURL(/\/portal\/subscriptions$/);
    await page.getByRole('link', { name: 'New subscription' }).click();
    await page.getByRole('heading', { level: 1, name: 'New subscription' }).waitFor();
    await expectAccessible(page);
    // The URL policy's refusal beside the field, what was typed kept.
    await page.getByLabel('URL').fill('http://receiver.example/hooks');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.getByText('url must use https (got http:)').waitFor();
    expect(await page.getByLabel('URL').inputValue()).toBe('http://receiver.example/hooks');
    await expectAccessible(page);
    await page.getByLabel('URL').fill(url);
    await page.getByLabel(type).check();
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.getByText('Subscribed.').waitFor();
    await expectAccessible(page);
    await shoot('subscription');
    await page.getByRole('button', { name: 'Reveal signing key' }).click();
    const firstKey = (await page.locator('#signing-key-value').textContent()) as string;

    // A failing receiver: the first attempt fails, and a retry appears on the notification's page as it happens.
    receiverState.failing = true;
    await page.getByRole('link', { name: 'Notifications' }).click();
    await page.locator('#test-type').selectOption(type);
    await page.getByRole('button', { name: 'Send test event' }).click();
    await t.receiver.arrived(path, 2);
    // The page of a pending notification reloads itself: the retry appears without the reader doing anything.
    await page.getByRole('heading', { name: /Attempts \(([2-9]|\d\d+)\)/ }).waitFor();
    expect(await page.textContent('main')).toContain('down for <b>maintenance</b>'); // the receiver's body, as text
    await expectAccessible(page);
    await shoot('notification');

    // The receiver recovers; redeliver sends the notification again, signed with the first key.
    receiverState.failing = false;
    const before = t.receiver.forPath(path).length;
    await page.getByRole('button', { name: 'Redeliver' }).click();
    const redelivered = await t.receiver.arrived((r) => r.path === path && t.receiver.requests.indexOf(r) >= 0, before + 1);
    expect(verified(redelivered.slice(-1), firstKey)).toHaveLength(1);

    // Rotate with no overlap: the next delivery verifies with the new key, and no longer with the old one.
    await page.getByRole('link', { name: 'Subscriptions' }).click();
    await page.getByRole('link', { name: url }).click();
    await page.getByLabel('Older keys keep signing for').selectOption('0s');
    await page.getByRole('button', { name: 'Rotate the key' }).click();
    await page.getByText('A new signing key signs from now on').waitFor();
    await page.getByRole('button', { name: 'Reveal signing key' }).click();
    const newKey = (await page.locator('#signing-key-value').textContent()) as string;
    expect(newKey).not.toBe(firstKey);
    const sent = t.receiver.forPath(path).length;
    await page.getByRole('link', { name: 'Notifications' }).click();
    await page.locator('#test-type').selectOption(type);
    await page.getByRole('button', { name: 'Send test event' }).click();
    const afterRotation = (await t.receiver.arrived(path, sent + 1)).slice(-1);
    expect(verified(afterRotation, newKey)).toHaveLength(1);
    expect(() => verified(afterRotation, firstKey)).toThrow();

    // The list, filtered to the subscription.
    await page.getByRole('link', { name: 'Notifications' }).click();
    await page.getByLabel('Status').selectOption('succeeded');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/status=succeeded/);
    await expectAccessible(page);
    await shoot('notifications');

    // Recover the last hour of the subscription: the form, then the recovery's page until it is done.
    await page.goto(new URL('/portal/recoveries/new', page.url()).toString());
    await page.getByLabel('Since (UTC, inclusive)').fill(new Date(Date.now() - 3_600_000).toISOString().slice(0, 19));
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Recover' }).click();
    await page.waitForURL(/\/portal\/recoveries\/rcv_/);
    await page.getByText('Done.').waitFor();
    await expectAccessible(page);
    await shoot('recovery');

    // Pause, resume, delete.
    await page.getByRole('link', { name: 'Subscriptions' }).click();
    await page.getByRole('link', { name: url }).click();
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByText('Paused: notifications are held').waitFor();
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByText('Resumed: held notifications are on their way.').waitFor();
    page.once('dialog', (dialog) => void dialog.accept()); // the script's confirm dialog
    await page.getByRole('button', { name: 'Delete subscription' }).click();
    await page.getByText('Deleted: its pending notifications were cancelled.').waitFor();
    expect((await api.request('GET', '/webhooks/subscriptions')).body.items).toEqual([]);
    await page.getByRole('link', { name: 'Event catalog' }).click();
    await page.getByRole('heading', { level: 2, name: type }).waitFor();
    await expectAccessible(page);
    await shoot('catalog');
  });

  it('a used link, and another environment’s pages in a session, are refused with a page', async () => {
    const mine = await t.app.newEnvironment();
    const theirs = await t.app.newEnvironment();
    const { body: their } = await theirs.api.subscribe(t.receiver.url('/story-theirs'));
    const link = await portalLink(t.app, mine.id);
    await page.goto(link.url);
    await page.waitForURL(/\/portal\/subscriptions$/);

    const response = await page.goto(new URL(`/portal/subscriptions/${their.id}`, link.url).toString());
    expect(response?.status()).toBe(404);
    expect(await page.textContent('main')).not.toContain('story-theirs');
    await expectAccessible(page);

    const again = await page.goto(link.url);
    expect(again?.status()).toBe(403);
    await page.getByText('This portal link cannot be used').waitFor();
  });
});
