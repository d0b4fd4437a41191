import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configVariableNames } from '../../../src/config/config';

const ROOT = join(__dirname, '../../..');
const COMPOSE_FILE = join(ROOT, 'docker-compose.yml');

interface Service {
  image?: string;
  command?: string[];
  environment?: Record<string, string | null>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  build?: unknown;
  ports?: unknown[];
}

/** Go's own settings, and nothing of this process's configuration: the file sees only the variables a test gives. */
const goEnvironment = () => Object.fromEntries(Object.entries(process.env).filter(([name]) => name === 'PATH' || name === 'HOME' || name.startsWith('GO')));

/**
 * The compose-spec loader program (test/compose), built once for the file with `go build` (its modules from the
 * module proxy on a cold Go cache) into a temporary folder that afterAll removes; each check then runs the binary.
 */
const checkerDir = mkdtempSync(join(tmpdir(), 'plude-compose-check-'));
let checker: Promise<string> | undefined;
const composeChecker = (): Promise<string> =>
  (checker ??= new Promise((resolve, reject) => {
    const binary = join(checkerDir, 'compose-check');
    execFile('go', ['build', '-o', binary, '.'], { cwd: join(ROOT, 'test/compose'), env: goEnvironment(), maxBuffer: 16 << 20 }, (err, _stdout, stderr) =>
      err ? reject(new Error(`go build of test/compose failed: ${stderr || err.message}`)) : resolve(binary),
    );
  }));
afterAll(() => rmSync(checkerDir, { recursive: true, force: true }));

/**
 * docker-compose.yml as the compose-spec loader (github.com/compose-spec/compose-go/v2, what Docker Compose runs)
 * reads it with `variables` set: interpolated, validated against the spec's schema and normalised. Rejects with the
 * loader's message when the file is invalid.
 */
async function loadCompose(
  variables: Record<string, string>,
  file = COMPOSE_FILE,
): Promise<{ services: Record<string, Service>; volumes: Record<string, unknown> }> {
  const binary = await composeChecker();
  return new Promise((resolve, reject) => {
    execFile(binary, [file], { env: { ...goEnvironment(), ...variables }, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
      err ? reject(new Error(`the compose-spec loader refused docker-compose.yml: ${stderr || err.message}`)) : resolve(JSON.parse(stdout)),
    );
  });
}

describe('docker-compose.yml, read by the compose-spec loader', () => {
  jest.setTimeout(300_000); // a cold Go build of the loader

  it('loads with no variable set at all: `docker compose down` needs neither ADMIN_TOKEN nor ENCRYPTION_KEY', async () => {
    const project = await loadCompose({});
    expect(project.services.api.environment).toMatchObject({ ADMIN_TOKEN: '', ENCRYPTION_KEY: '' });
  });

  it('the loader can fail: a file that breaks the spec is refused', async () => {
    // Checked through the same program on a broken copy, so that the check above means something.
    const broken = readFileSync(COMPOSE_FILE, 'utf8').replace('restart: unless-stopped', 'restart: [not, a, string]');
    const dir = mkdtempSync(join(tmpdir(), 'plude-compose-'));
    try {
      writeFileSync(join(dir, 'docker-compose.yml'), broken);
      await expect(loadCompose({}, join(dir, 'docker-compose.yml'))).rejects.toThrow(/restart/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('with ADMIN_TOKEN and ENCRYPTION_KEY set', () => {
    let services: Record<string, Service>;
    beforeAll(async () => {
      ({ services } = await loadCompose({ ADMIN_TOKEN: 'admin-token-0123456789', ENCRYPTION_KEY: 'a2V5IGtleSBrZXkga2V5IGtleSBrZXkga2V5IGtleSA=' }));
    });

    it('Temporal 1.29 without auto-setup: schema job → server → namespace job, in that order', () => {
      expect(Object.values(services).map((s) => s.image ?? '')).not.toContainEqual(expect.stringContaining('auto-setup'));
      expect(services['temporal-schema'].image).toMatch(/^temporalio\/admin-tools:1\.29\.\d+/);
      expect(services.temporal.image).toMatch(/^temporalio\/server:1\.29\.\d+$/);
      expect(services.temporal.depends_on).toEqual({ 'temporal-schema': expect.objectContaining({ condition: 'service_completed_successfully' }) });
      expect(services['temporal-namespace'].depends_on).toEqual({ temporal: expect.objectContaining({ condition: 'service_healthy' }) });
      expect(services['temporal-namespace'].environment).toMatchObject({ TEMPORAL_NAMESPACE_RETENTION: '720h' });
      expect(services.worker.environment).toMatchObject({ RETENTION: '720h', PURGE_INTERVAL: '1h' });
      for (const role of ['api', 'worker']) {
        expect(services[role].depends_on).toMatchObject({
          'temporal-namespace': { condition: 'service_completed_successfully' },
          postgresql: { condition: 'service_healthy' },
        });
      }
    });

    it('ADMIN_TOKEN reaches the api only; both roles get the master key and a readiness healthcheck', () => {
      expect(services.api.environment).toMatchObject({ ADMIN_TOKEN: 'admin-token-0123456789', ENCRYPTION_KEY: expect.any(String) });
      expect(services.worker.environment).not.toHaveProperty('ADMIN_TOKEN');
      expect(services.worker.environment).toHaveProperty('ENCRYPTION_KEY');
      expect(services.api.healthcheck?.test.join(' ')).toContain('http://127.0.0.1:3000/health/ready');
      expect(services.worker.healthcheck?.test.join(' ')).toContain('http://127.0.0.1:3001/health/ready');
      expect(services.worker.environment).toMatchObject({ WORKER_PORT: '3001' });
    });

    it('the namespace keeps closed workflows for RETENTION, unless TEMPORAL_NAMESPACE_RETENTION says otherwise', async () => {
      const matched = await loadCompose({ RETENTION: '48h' });
      expect(matched.services['temporal-namespace'].environment).toMatchObject({ TEMPORAL_NAMESPACE_RETENTION: '48h' });
      expect(matched.services.api.environment).toMatchObject({ RETENTION: '48h' });
      const apart = await loadCompose({ RETENTION: '48h', TEMPORAL_NAMESPACE_RETENTION: '168h' });
      expect(apart.services['temporal-namespace'].environment).toMatchObject({ TEMPORAL_NAMESPACE_RETENTION: '168h' });
    });

    it("publishes the API on the host's loopback only, unless API_BIND says otherwise", async () => {
      expect(JSON.stringify(services.api.ports)).toContain('"host_ip":"127.0.0.1"');
      const open = await loadCompose({ API_BIND: '0.0.0.0' });
      expect(JSON.stringify(open.services.api.ports)).toContain('"host_ip":"0.0.0.0"');
    });

    it('PostgreSQL has room for the pools: max_connections set', () => {
      const max = Number(/max_connections=(\d+)/.exec(services.postgresql.command?.join(' ') ?? '')?.[1]);
      // Temporal: 4 services x (20 + 10); plude: 20 per process, one api and one worker at least.
      expect(max).toBeGreaterThanOrEqual(4 * (20 + 10) + 2 * 20);
      expect(services.temporal.environment).toMatchObject({ SQL_MAX_CONNS: '20', SQL_VIS_MAX_CONNS: '10' });
    });
  });

  it('.env.example holds every variable the compose file and the configuration read; README’s table every configuration variable', () => {
    const compose = readFileSync(COMPOSE_FILE, 'utf8');
    const composeVariables = new Set([...compose.matchAll(/\$\{(\w+)/g)].map(([, name]) => name));
    const example = readFileSync(join(ROOT, '.env.example'), 'utf8');
    const set = new Set([...example.matchAll(/^(\w+)=/gm)].map(([, name]) => name));
    const mentioned = new Set([...example.matchAll(/^#? ?(\w+)=/gm)].map(([, name]) => name));
    expect([...composeVariables].filter((name) => !set.has(name))).toEqual([]);
    expect(configVariableNames.filter((name) => !mentioned.has(name))).toEqual([]);
    const tableRows = readFileSync(join(ROOT, 'README.md'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('| `'));
    const documented = new Set(tableRows.flatMap((row) => [...row.split(' | ')[0].matchAll(/`(\w+)`/g)].map(([, name]) => name)));
    expect(configVariableNames.filter((name) => !documented.has(name))).toEqual([]);
  });
});
