import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadOrCreateDevCa } from '../../src/dev/dev-ca';
import { secureDataFolder } from '../../src/lib/data-folder';
import { loadOrCreateAdminToken, loadOrCreateMasterKey } from '../../src/runtime/first-run';

const modeOf = async (file: string) => (await stat(file)).mode & 0o777;

describe('the data folder at start (secureDataFolder)', () => {
  let parent: string;
  let dataDir: string;
  beforeEach(async () => {
    parent = await mkdtemp(path.join(tmpdir(), 'plude-data-folder-'));
    dataDir = path.join(parent, 'data');
  });
  afterEach(() => rm(parent, { recursive: true, force: true }));

  it("leaves a first start's folder 0700 and its secrets 0600, silently", async () => {
    const warnings: string[] = [];
    await secureDataFolder(dataDir, (line) => warnings.push(line));
    const admin = await loadOrCreateAdminToken(dataDir);
    const master = await loadOrCreateMasterKey(dataDir);
    await loadOrCreateDevCa(dataDir);
    await secureDataFolder(dataDir, (line) => warnings.push(line));
    expect(await modeOf(dataDir)).toBe(0o700);
    expect(await modeOf(admin.file)).toBe(0o600);
    expect(await modeOf(master.file)).toBe(0o600);
    expect(await modeOf(path.join(dataDir, 'dev-ca', 'ca-key.pem'))).toBe(0o600);
    expect(warnings).toEqual([]);
  });

  it('narrows a wider folder and wider secrets, naming each, and leaves other files alone', async () => {
    await mkdir(path.join(dataDir, 'dev-ca'), { recursive: true });
    await chmod(dataDir, 0o755);
    const files = {
      masterKey: path.join(dataDir, 'master-key'),
      serviceToken: path.join(dataDir, 'service-token'),
      caKey: path.join(dataDir, 'dev-ca', 'ca-key.pem'),
    };
    await writeFile(files.masterKey, 'secret\n', { mode: 0o644 });
    await writeFile(files.serviceToken, 'secret\n', { mode: 0o600 });
    await writeFile(files.caKey, 'secret\n', { mode: 0o640 });
    await writeFile(path.join(dataDir, 'dev-ca', 'ca.pem'), 'public\n', { mode: 0o644 });
    await chmod(files.masterKey, 0o644); // whatever the umask

    const warnings: string[] = [];
    await secureDataFolder(dataDir, (line) => warnings.push(line));

    expect(await modeOf(dataDir)).toBe(0o700);
    expect(await modeOf(files.masterKey)).toBe(0o600);
    expect(await modeOf(files.serviceToken)).toBe(0o600);
    expect(await modeOf(files.caKey)).toBe(0o600);
    expect(await modeOf(path.join(dataDir, 'dev-ca', 'ca.pem'))).toBe(0o644);
    expect(warnings).toEqual([
      `${dataDir} was mode 0755, open to other users of this machine: narrowed to 0700`,
      `${files.masterKey} was mode 0644, open to other users of this machine: narrowed to 0600`,
      `${files.caKey} was mode 0640, open to other users of this machine: narrowed to 0600`,
    ]);
    const again: string[] = [];
    await secureDataFolder(dataDir, (line) => again.push(line));
    expect(again).toEqual([]);
  });

  it("lets others through, not in, when the embedded PostgreSQL runs as another user (root's start): 0711", async () => {
    await mkdir(dataDir, { mode: 0o755 });
    await chmod(dataDir, 0o755);
    const warnings: string[] = [];
    await secureDataFolder(dataDir, (line) => warnings.push(line), { traversable: true });
    expect(await modeOf(dataDir)).toBe(0o711);
    expect(warnings).toEqual([`${dataDir} was mode 0755, open to other users of this machine: narrowed to 0711`]);
  });
});
