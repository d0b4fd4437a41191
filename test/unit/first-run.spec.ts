import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../src/config/config';
import { loadOrCreateAdminToken, loadOrCreateMasterKey } from '../../src/runtime/first-run';
import { banner } from '../../src/runtime/banner';

describe('npm start’s first run', () => {
  let dataDir: string;
  beforeEach(async () => (dataDir = await mkdtemp(path.join(tmpdir(), 'plude-first-run-'))));
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('generates the admin token once, into the data folder, readable by its owner only', async () => {
    const first = await loadOrCreateAdminToken(dataDir);
    expect(first).toEqual({ value: expect.stringMatching(/^adm_/), file: path.join(dataDir, 'admin-token'), created: true });
    expect((await stat(first.file)).mode & 0o777).toBe(0o600);
    expect(await loadOrCreateAdminToken(dataDir)).toEqual({ ...first, created: false });
  });

  it('generates the master key once, as base64 of 32 bytes, and keeps it', async () => {
    const first = await loadOrCreateMasterKey(dataDir);
    expect(first).toEqual({ value: expect.any(Buffer), file: path.join(dataDir, 'master-key'), created: true });
    expect(first.value).toHaveLength(32);
    expect((await readFile(first.file, 'utf8')).trim()).toBe(first.value.toString('base64'));
    expect((await stat(first.file)).mode & 0o777).toBe(0o600);
    expect(await loadOrCreateMasterKey(dataDir)).toEqual({ ...first, created: false });
  });

  it('never replaces a master key file it cannot read as one', async () => {
    const file = path.join(dataDir, 'master-key');
    await writeFile(file, 'not a key\n');
    await expect(loadOrCreateMasterKey(dataDir)).rejects.toThrow(ConfigError);
    await expect(loadOrCreateMasterKey(dataDir)).rejects.toThrow(`${file} does not hold a master key`);
    expect(await readFile(file, 'utf8')).toBe('not a key\n');
  });
});

describe('banner', () => {
  const base = { apiUrl: 'http://127.0.0.1:3000', temporalUiUrl: 'http://localhost:8233' };
  const admin = { value: 'adm_secret-admin-token', file: '/srv/data/admin-token' };
  const sandbox = { environmentId: 'sandbox', value: 'pwh_secret-api-token', file: "/srv/my data/it's/sandbox-token" };
  const masterKey = { file: '/srv/data/master-key' };
  const service = { value: 'pwh_secret-service-token', file: '/srv/data/service-token' };

  it('shows the generated tokens, and where they are kept, on the run that generated them', () => {
    const text = banner({
      ...base,
      adminToken: { ...admin, created: true },
      sandbox: { ...sandbox, created: true },
      serviceToken: { ...service, created: true },
      masterKey: { ...masterKey, created: true },
    });
    expect(text).toContain('Admin token:      adm_secret-admin-token  (saved in /srv/data/admin-token; shown on this first start only)');
    expect(text).toContain('Integrator token: pwh_secret-api-token  (saved in');
    expect(text).toContain('scope subscriptions, environment sandbox: what an integrator holds, to subscribe its URL (plude listen, plude subscriptions)');
    expect(text).toContain('Service token:    pwh_secret-service-token  (saved in /srv/data/service-token; shown on this first start only)');
    expect(text).toContain('scopes publish and catalog, every environment');
    // The publish with the service token, the catalog read with the integrator's.
    expect(text).toContain('curl -X POST -H "Content-Type: application/json" -H "Authorization: Bearer pwh_secret-service-token"');
    expect(text).toContain('Its event types: curl -H "Authorization: Bearer pwh_secret-api-token"');
    expect(text).toContain('Master key:       generated into /srv/data/master-key');
  });

  it('on later runs says where the tokens are kept, and never prints them', () => {
    const text = banner({
      ...base,
      adminToken: { ...admin, created: false },
      sandbox: { ...sandbox, created: false },
      serviceToken: { ...service, created: false },
      masterKey: { ...masterKey, created: false },
    });
    expect(text).not.toContain('adm_secret-admin-token');
    expect(text).not.toContain('pwh_secret-api-token');
    expect(text).not.toContain('pwh_secret-service-token');
    expect(text).toContain('Admin token:      kept in /srv/data/admin-token');
    expect(text).toContain("Integrator token: kept in /srv/my data/it's/sandbox-token");
    expect(text).toContain('Service token:    kept in /srv/data/service-token');
    expect(text).toContain(`-H "Authorization: Bearer $(cat '/srv/my data/it'\\''s/sandbox-token')"`);
    expect(text).toContain('-H "Authorization: Bearer $(cat /srv/data/service-token)"');
    expect(text).toContain('Master key:       kept in /srv/data/master-key');
  });

  it('tells the story that works on a fresh checkout: plude listen, then a publish, each from the checkout', () => {
    const text = banner({
      ...base,
      sandbox: { ...sandbox, created: true },
      devCa: { certFile: '/srv/data/dev-ca/ca.pem', created: true },
      cwd: '/srv/plude',
      dataDir: './data',
    });
    expect(text).toContain('Development CA:   generated into /srv/data/dev-ca/ca.pem');
    expect(text).toContain('\n  cd /srv/plude && npx plude listen\n');
    expect(text).toContain(`\n  cd /srv/plude && npx plude events publish invoice.paid --data '{"invoice": "in_42", "amount": 4200}'\n`);
    expect(text).toContain('-H "Authorization: Bearer pwh_secret-api-token"');
    expect(text).not.toContain('receiver.example');
  });

  it('names the API and the data folder to plude when they are not its defaults', () => {
    const text = banner({
      ...base,
      apiUrl: 'http://127.0.0.1:3101',
      sandbox: { ...sandbox, created: false },
      cwd: "/home/o'neil/plude",
      dataDir: '/tmp/plude data',
    });
    expect(text).toContain(`\n  cd '/home/o'\\''neil/plude' && PLUDE_URL=http://127.0.0.1:3101 DATA_DIR='/tmp/plude data' npx plude listen\n`);
  });

  it('says nothing of tokens and keys that come from the environment', () => {
    const text = banner(base);
    expect(text).not.toMatch(/Admin token|Integrator token|Service token|Master key/);
    expect(text).toContain('API:              http://127.0.0.1:3000');
  });
});
