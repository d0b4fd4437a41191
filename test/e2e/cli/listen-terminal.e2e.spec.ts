import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadOrCreateDevCa } from '../../../src/dev/dev-ca';
import { freePort } from '../../../src/lib/free-port';
import { ensureBuilt, ROOT } from '../../support/built';
import { Terminal } from '../../support/terminal';
import { startTestApp, type TestApp } from '../../support/test-app';
import { publishDelivered } from '../../support/deliveries';

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * `plude listen` as a person runs it: in a terminal (a tmux pseudo-terminal), against the real API, worker,
 * Temporal and PostgreSQL, in an environment that allows private targets while ALLOW_PRIVATE_TARGETS is off, with
 * the API trusting the data folder's development CA as `npm start` does.
 */
describe('plude listen in a terminal', () => {
  let app: TestApp;
  let dataDir: string;
  let terminal: Terminal | undefined;

  beforeAll(async () => {
    ensureBuilt();
    dataDir = await mkdtemp(path.join(tmpdir(), 'plude-listen-e2e-'));
    await chmod(dataDir, 0o755);
    const ca = await loadOrCreateDevCa(dataDir);
    app = await startTestApp({ ALLOW_PRIVATE_TARGETS: 'false', NODE_EXTRA_CA_CERTS: ca.certFile });
  }, 180_000);
  afterAll(async () => {
    terminal?.close();
    await app?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('shows a verified line for a published event, and Ctrl-C deletes its subscription', async () => {
    const id = `listen-${randomBytes(4).toString('hex')}`;
    const { token, api } = await app.newEnvironment({ id, allowPrivateTargets: true });
    const port = await freePort();

    terminal = Terminal.open(ROOT);
    const settings = `PLUDE_URL=${app.api.url} PLUDE_TOKEN=${token} PLUDE_ENVIRONMENT=${id} DATA_DIR=${quote(dataDir)}`;
    // bin/plude.js is what `npx plude` runs; run here directly, its own exit status shows (npx answers 130 after a Ctrl-C, whatever its child says).
    terminal.run(`${settings} bin/plude.js listen --port ${port}; echo "plude exited with $?"`);
    await terminal.shows(/Ctrl-C stops, and deletes the subscription\./);
    const [subscription] = (await api.request('GET', '/webhooks/subscriptions')).body.items;
    expect(subscription).toMatchObject({ url: `https://localhost:${port}/webhooks`, status: 'active' });

    const { notificationId } = await publishDelivered(api, 'invoice.paid', { invoice: 'in_42', amount: 4200 });
    const screen = await terminal.shows(new RegExp(`${notificationId}  invoice\\.paid  signature verified  attempt 1  answered 200`));
    expect(screen).toMatch(new RegExp(`\\n\\d\\d:\\d\\d:\\d\\d  ${notificationId}  invoice\\.paid`));

    terminal.press('C-c');
    await terminal.shows(new RegExp(`\\^CStopped\\. Subscription ${subscription.id} deleted\\.\\n[^]*plude exited with 0\\n`));
    expect((await api.request('GET', `/webhooks/subscriptions/${subscription.id}`)).status).toBe(404);
    expect((await api.request('GET', '/webhooks/subscriptions')).body.items).toEqual([]);
  });
});
