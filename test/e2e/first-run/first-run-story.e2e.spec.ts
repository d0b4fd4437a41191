import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../../src/lib/free-port';
import { Changes, waitUntil } from '../../support/wait';
import { BUILT, ensureBuilt, ROOT } from '../../support/built';
import { Terminal } from '../../support/terminal';

/** What the test suite sets for its own app, and that a new user's `npm start` has not. */
const NOT_A_NEW_USERS =
  /^(DATABASE_URL|TEMPORAL_ADDRESS|TEST_WORKFLOW_BUNDLE|ADMIN_TOKEN|ENCRYPTION_KEY.*|ALLOW_PRIVATE_TARGETS|NODE_EXTRA_CA_CERTS|DATA_DIR|PORT|PLUDE_.*)$/;

async function portIsFree(port: number): Promise<boolean> {
  const server = createServer().listen(port, '127.0.0.1');
  const free = await Promise.race([once(server, 'listening').then(() => true), once(server, 'error').then(() => false)]);
  if (free) server.close();
  return free;
}

/**
 * The first five minutes, as the banner tells them: `npm start` (the built process, on a fresh data folder and
 * free ports), then the banner's `plude listen` typed into a new terminal, then its publish command typed into
 * another: the listener shows the notification, its signature verified. Nothing else is set up.
 */
describe('a first run, following the banner', () => {
  let dataDir: string;
  let server: ChildProcess | undefined;
  let terminal: Terminal | undefined;
  let output = '';

  beforeAll(async () => {
    ensureBuilt();
    // As root, the embedded PostgreSQL runs as user postgres, which must be able to enter the data folder.
    dataDir = await mkdtemp(path.join(tmpdir(), 'plude-first-run-'));
    await chmod(dataDir, 0o755);
  }, 180_000);

  afterAll(async () => {
    terminal?.close();
    if (server && server.exitCode === null && server.signalCode === null) {
      const exited = once(server, 'exit');
      server.kill('SIGINT');
      const stopped = await Promise.race([exited.then(() => true), new Promise((resolve) => setTimeout(resolve, 60_000, false))]);
      if (!stopped) process.kill(-server.pid!, 'SIGKILL'); // its PostgreSQL and Temporal too
    }
    await rm(dataDir, { recursive: true, force: true });
  }, 90_000);

  it('npm start, then the printed plude listen and publish: a verified notification on screen within a minute', async () => {
    expect(await portIsFree(4443)).toBe(true); // the banner's plude listen takes plude's default port
    const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !NOT_A_NEW_USERS.test(name)));
    const [port, postgres, temporal, ui] = [await freePort(), await freePort(), await freePort(), await freePort()];
    Object.assign(env, {
      DATA_DIR: dataDir,
      PORT: String(port),
      EMBEDDED_POSTGRES_PORT: String(postgres),
      TEMPORAL_PORT: String(temporal),
      TEMPORAL_UI_PORT: String(ui),
    });

    const started = Date.now();
    server = spawn(process.execPath, [BUILT.main], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const printed = new Changes();
    server.stdout!.setEncoding('utf8').on('data', (text: string) => ((output += text), printed.notify()));
    server.stderr!.setEncoding('utf8').on('data', (text: string) => ((output += text), printed.notify()));
    server.once('exit', () => printed.notify());
    const banner = await waitUntil(
      () => {
        if (server!.exitCode !== null) throw new Error(`npm start exited with ${server!.exitCode}:\n${output}`);
        return output.includes('A receiver on a real host') ? output : undefined;
      },
      printed.subscribe,
      { timeoutMs: 120_000, what: 'the banner printed by npm start', describe: () => output },
    );
    // Two tokens, each printed once with what it is for, and kept in the data folder.
    const integratorToken = (await readFile(path.join(dataDir, 'sandbox-token'), 'utf8')).trim();
    const serviceToken = (await readFile(path.join(dataDir, 'service-token'), 'utf8')).trim();
    expect(banner).toContain(`Integrator token: ${integratorToken}  (saved in ${path.join(dataDir, 'sandbox-token')}; shown on this first start only)`);
    expect(banner).toContain('scope subscriptions, environment sandbox: what an integrator holds, to subscribe its URL');
    expect(banner).toContain(`Service token:    ${serviceToken}  (saved in ${path.join(dataDir, 'service-token')}; shown on this first start only)`);
    expect(banner).toContain('scopes publish and catalog, every environment: what the platform’s services hold, to publish events and declare their types');
    expect(banner.split(integratorToken).length).toBeGreaterThan(2); // its line, and the curl of the catalog
    expect(banner).toContain(`-H "Authorization: Bearer ${serviceToken}"`); // the publish curl
    const listen = /^ {2}(cd .+ npx plude listen)$/m.exec(banner)?.[1];
    const publish = /^ {2}(cd .+ npx plude events publish .+)$/m.exec(banner)?.[1];
    expect(listen).toBe(`cd ${ROOT} && PLUDE_URL=http://127.0.0.1:${port} DATA_DIR=${dataDir} npx plude listen`);
    expect(publish).toBe(
      `cd ${ROOT} && PLUDE_URL=http://127.0.0.1:${port} DATA_DIR=${dataDir} npx plude events publish invoice.paid --data '{"invoice": "in_42", "amount": 4200}'`,
    );

    // New terminals, opened anywhere: the printed commands go to the checkout themselves.
    terminal = Terminal.open(tmpdir());
    terminal.run(listen!);
    await terminal.shows(/Ctrl-C stops, and deletes the subscription\./).catch((err: Error) => {
      throw new Error(`${err.message}\nnpm start printed:\n${output}`);
    });
    const publisher = terminal.another(tmpdir());
    publisher.run(publish!);
    await publisher.shows(/event evt_\w+ \(invoice\.paid\) published: 1 notification/);
    const screen = await terminal.shows(/ ntf_\w+ {2}invoice\.paid {2}signature verified {2}attempt 1 {2}answered 200\n/);
    const seconds = (Date.now() - started) / 1000;
    process.stderr.write(`[first run] a verified notification on screen ${seconds.toFixed(1)} s after npm start:\n${screen.trimEnd()}\n`);
    expect(seconds).toBeLessThan(60);

    terminal.press('C-c');
    await terminal.shows(/Stopped\. Subscription sub_\w+ deleted\./);
    const exited = once(server, 'exit');
    server.kill('SIGINT');
    expect(await exited).toEqual([0, null]);
  }, 240_000);
});
