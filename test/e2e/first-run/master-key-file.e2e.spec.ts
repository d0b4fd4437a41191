import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { masterKeyId } from '../../../src/crypto/key-ring';
import { freePort } from '../../../src/lib/free-port';
import { ApiClient } from '../../support/api-client';
import { ROOT, BUILT, ensureBuilt } from '../../support/built';
import { createEnvironment } from '../../support/environments';
import { ADMIN_TOKEN, ENCRYPTION_KEY } from '../../support/test-app';
import { Changes, waitFor, waitUntil } from '../../support/wait';

/** A built process (`npm start`, `start:api` or `start:worker`), with what it printed. */
interface Started {
  child: ChildProcess;
  output: () => string;
}

const entry = { main: BUILT.main, api: path.join(ROOT, 'dist', 'src', 'api.js'), worker: path.join(ROOT, 'dist', 'src', 'worker.js') };

/** Starts `node dist/src/<role>.js` with only `env` (and PATH, HOME) and waits for its /health/ready on `port`. */
async function start(role: keyof typeof entry, port: number, env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, [entry[role]], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'log', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const printed = new Changes();
  child.stdout.setEncoding('utf8').on('data', (text: string) => ((output += text), printed.notify()));
  child.stderr.setEncoding('utf8').on('data', (text: string) => ((output += text), printed.notify()));
  child.once('exit', () => printed.notify());
  const started = { child, output: () => output };
  running.push(started);
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`${role} exited with ${child.exitCode}:\n${output}`);
      return fetch(`http://127.0.0.1:${port}/health/ready`).then(
        (response) => response.status,
        () => 0,
      );
    },
    (status) => status === 200,
    { timeoutMs: 90_000, what: `${role}'s /health/ready` },
  );
  // Its start-up lines are printed by then; the warning comes before the listener.
  await waitUntil(() => (output.includes('ENCRYPTION_KEY_FILE') ? true : undefined), printed.subscribe, {
    timeoutMs: 5_000,
    what: 'the key file warning',
    describe: () => output,
  });
  return started;
}

const running: Started[] = [];

async function stop({ child }: Started): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

/**
 * Issue 26: the master key given as a file (ENCRYPTION_KEY_FILE, as a Docker or Kubernetes secret is mounted) starts
 * both roles and `npm start`, against the suite's PostgreSQL and Temporal server, and seals with the file's key; and
 * after `npm start` the data folder is 0700 and its secrets 0600, whatever they were before.
 */
describe('ENCRYPTION_KEY_FILE: the master key from a file', () => {
  let dir: string;
  let keyFile: string;
  const common = () => ({
    DATABASE_URL: process.env.DATABASE_URL as string,
    TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS as string,
    TEMPORAL_TASK_QUEUE: `key-file-${randomBytes(4).toString('hex')}`,
    ENCRYPTION_KEY_FILE: keyFile,
  });

  beforeAll(async () => {
    ensureBuilt();
    dir = await mkdtemp(path.join(tmpdir(), 'plude-key-file-'));
    keyFile = path.join(dir, 'master-key');
    // The suite's key (the database holds keys it sealed), with a trailing newline, readable by its group: a warning.
    await writeFile(keyFile, `${ENCRYPTION_KEY}\n`);
    await chmod(keyFile, 0o640);
  }, 240_000);

  afterEach(async () => {
    await Promise.all(running.splice(0).map(stop));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('start:api reads it, warns about the mode, and seals new signing keys with it', async () => {
    const port = await freePort();
    const api = await start('api', port, { ...common(), PORT: String(port), ADMIN_TOKEN, ALLOW_PRIVATE_TARGETS: 'true' });
    expect(api.output()).toMatch(/ENCRYPTION_KEY_FILE: .*master-key has mode 0640/);
    expect(api.output()).not.toContain(ENCRYPTION_KEY);

    const { api: client } = await createEnvironment(new ApiClient(`http://127.0.0.1:${port}`, { token: ADMIN_TOKEN }));
    const subscribed = await client.subscribe('https://127.0.0.1:9/key-file');
    expect(subscribed.status).toBe(200);
    const db = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL });
    await db.initialize();
    try {
      const [row] = await db.query<{ masterKeyId: string }[]>(`SELECT k.master_key_id AS "masterKeyId" FROM signing_keys k WHERE k.subscription_id = $1`, [
        subscribed.body.id,
      ]);
      expect(row.masterKeyId).toBe(masterKeyId(Buffer.from(ENCRYPTION_KEY, 'base64')));
    } finally {
      await db.destroy();
    }
  });

  it('start:worker reads it, polls its task queue, and serves its metrics on WORKER_PORT', async () => {
    const port = await freePort();
    const worker = await start('worker', port, { ...common(), WORKER_PORT: String(port) });
    expect(worker.output()).toMatch(/ENCRYPTION_KEY_FILE: .*has mode 0640/);
    // README's production checklist: scrape every worker on WORKER_PORT.
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/^plude_process_/m);
    expect(metrics).toMatch(/^plude_temporal_/m);
  });

  it('npm start reads it instead of generating DATA_DIR/master-key, and leaves the data folder 0700 and its secrets 0600', async () => {
    const [port, dataDir] = [await freePort(), path.join(dir, 'data')];
    // A data folder and an admin token left wide open (a copy, a restore, an umask): the start narrows both.
    await mkdir(dataDir, { mode: 0o755 });
    await chmod(dataDir, 0o755);
    const adminTokenFile = path.join(dataDir, 'admin-token');
    await writeFile(adminTokenFile, `adm_${randomBytes(32).toString('base64url')}\n`);
    await chmod(adminTokenFile, 0o644);
    const main = await start('main', port, { ...common(), PORT: String(port), DATA_DIR: dataDir });
    expect(main.output()).toMatch(/ENCRYPTION_KEY_FILE: .*has mode 0640/);
    expect(await readdir(dataDir)).not.toContain('master-key');
    expect(main.output()).toContain(`${adminTokenFile} was mode 0644, open to other users of this machine: narrowed to 0600`);

    const modeOf = async (file: string) => ((await stat(path.join(dataDir, file))).mode & 0o777).toString(8);
    expect(await modeOf('.')).toBe('700');
    for (const secret of ['admin-token', 'sandbox-token', 'service-token', path.join('dev-ca', 'ca-key.pem')])
      expect([secret, await modeOf(secret)]).toEqual([secret, '600']);
  });
});
