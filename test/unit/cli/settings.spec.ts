import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveSettings } from '../../../src/cli/settings';
import { freePort } from '../../../src/lib/free-port';
import { runCli } from '../../support/cli-harness';
import { StubApi } from '../../support/stub-api';

describe('plude settings: flags, then PLUDE_* variables, then what npm start keeps in its data folder', () => {
  let cwd: string;
  beforeAll(async () => {
    cwd = await mkdtemp(path.join(tmpdir(), 'plude-cli-settings-'));
    await writeFile(path.join(cwd, 'admin-token'), 'adm_from-a-custom-data-dir\n');
  });
  afterAll(() => rm(cwd, { recursive: true, force: true }));

  it('on embedded defaults needs nothing: the local API, the sandbox, and the tokens in ./data', async () => {
    const dataDir = path.join(cwd, 'data');
    await mkdir(dataDir);
    await writeFile(path.join(dataDir, 'sandbox-token'), 'pwh_sandbox\n');
    await writeFile(path.join(dataDir, 'admin-token'), 'adm_admin\n');
    const settings = resolveSettings({}, {}, cwd);
    expect([settings.url, settings.environment, settings.dataDir, settings.token(), settings.adminToken()]).toEqual([
      'http://127.0.0.1:3000',
      'sandbox',
      dataDir,
      'pwh_sandbox',
      'adm_admin',
    ]);
  });

  it('prefers PLUDE_* variables to the data folder, and flags to both', () => {
    const env = {
      PLUDE_URL: 'http://api.internal:8080/',
      PLUDE_TOKEN: 'pwh_env',
      PLUDE_ENVIRONMENT: 'production',
      PLUDE_ADMIN_TOKEN: 'adm_env',
      DATA_DIR: cwd,
    };
    const fromEnv = resolveSettings({}, env, '/');
    expect([fromEnv.url, fromEnv.environment, fromEnv.token(), fromEnv.adminToken()]).toEqual(['http://api.internal:8080', 'production', 'pwh_env', 'adm_env']);
    const fromFlags = resolveSettings({ url: 'http://other:1', token: 'pwh_flag', environment: 'eu', adminToken: 'adm_flag' }, env, '/');
    expect([fromFlags.url, fromFlags.environment, fromFlags.token(), fromFlags.adminToken()]).toEqual(['http://other:1', 'eu', 'pwh_flag', 'adm_flag']);
  });

  it("reads DATA_DIR's admin token, and the sandbox token only for the sandbox", () => {
    const settings = resolveSettings({ environment: 'production' }, { DATA_DIR: cwd }, '/');
    expect(settings.adminToken()).toBe('adm_from-a-custom-data-dir');
    expect(() => settings.token()).toThrow('no API token for environment production: set PLUDE_TOKEN or --token');
  });

  it('says where a token would be when there is none, exit 2', async () => {
    const { code, stderr } = await runCli(['subscriptions', 'list'], { env: { DATA_DIR: path.join(cwd, 'nothing-here') }, cwd });
    expect(code).toBe(2);
    expect(stderr).toBe(
      `plude: no API token for environment sandbox: set PLUDE_TOKEN or --token, or run it where npm start keeps it (${path.join(cwd, 'nothing-here', 'sandbox-token')})\n`,
    );
  });

  it('says that the API cannot be reached, and how to name another, exit 1', async () => {
    const port = await freePort();
    const { code, stderr } = await runCli(['subscriptions', 'list', '--url', `http://127.0.0.1:${port}`, '--token', 'pwh_x']);
    expect(code).toBe(1);
    expect(stderr).toBe(
      `plude: cannot reach the API at http://127.0.0.1:${port} (ECONNREFUSED): is npm start running? PLUDE_URL or --url names another address\n`,
    );
  });

  it('takes the global options after the command too', async () => {
    const api = await StubApi.start();
    try {
      api.on('GET', '/webhooks/subscriptions?limit=20', { status: 200, body: { items: [], nextCursor: null } });
      const { code, stdout } = await runCli(['subscriptions', 'list', '--url', api.url, '--token', 'pwh_after', '--environment', 'eu', '--json']);
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toEqual({ items: [], nextCursor: null });
      expect(api.requests[0].headers).toMatchObject({ authorization: 'Bearer pwh_after', 'x-environment': 'eu' });
    } finally {
      await api.stop();
    }
  });
});
