import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configVariableNames, loadConfig } from '../../../src/config/config';
import { COMPOSE_FILE, ROOT, Service, loadCompose, removeComposeChecker } from './compose-loader';

afterAll(removeComposeChecker);

const example = readFileSync(join(ROOT, '.env.example'), 'utf8');
/** The variables .env.example sets (uncommented): what `docker compose` reads from a .env copied from it. */
const exampleSet = [...example.matchAll(/^(\w+)=/gm)].map(([, name]) => name);
const ROLES = ['api', 'worker'];
/** The characters a password may hold: they need no percent-encoding in a URL, nor escaping in a YAML string. */
const PASSWORD = /^[A-Za-z0-9._~-]+$/;

/** A value for `name` that appears nowhere else in the loaded project, and that the spec's schema accepts where it goes. */
const sentinelFor = (name: string): string =>
  ({ API_BIND: '127.0.0.9', POSTGRES_MAX_CONNECTIONS: '257', TEMPORAL_SERVER_METRICS_PORT: '19191', NUM_HISTORY_SHARDS: '8192' })[name] ?? `s3ntinel-${name}`;

describe('docker-compose.yml and .env.example, both ways', () => {
  jest.setTimeout(300_000); // a cold Go build of the loader

  it('every variable .env.example sets reaches a service, and a setting of the roles reaches a role under its own name', async () => {
    const { services } = await loadCompose(Object.fromEntries(exampleSet.map((name) => [name, sentinelFor(name)])));
    const reaches = (name: string) => Object.keys(services).filter((service) => JSON.stringify(services[service]).includes(sentinelFor(name)));
    expect(exampleSet.filter((name) => reaches(name).length === 0)).toEqual([]);
    const roleSettings = exampleSet.filter((name) => configVariableNames.includes(name));
    expect(roleSettings.length).toBeGreaterThan(20);
    const unreached = roleSettings.filter((name) => !ROLES.some((role) => services[role].environment?.[name] === sentinelFor(name)));
    expect(unreached).toEqual([]);
    expect(services.api.environment).toHaveProperty('ADMIN_TOKEN');
    expect(services.worker.environment).not.toHaveProperty('ADMIN_TOKEN');
  });

  it('every variable a service reads is in .env.example: what the file interpolates, what it gives the roles, what its scripts need', async () => {
    const compose = readFileSync(COMPOSE_FILE, 'utf8');
    const interpolated = new Set([...compose.matchAll(/\$\{(\w+)/g)].map(([, name]) => name));
    expect([...interpolated].filter((name) => !exampleSet.includes(name))).toEqual([]);
    const { services } = await loadCompose({});
    // The roles get configuration variables only (nothing they would not read), each either set here or from .env.
    for (const role of ROLES) expect(Object.keys(services[role].environment ?? {}).filter((name) => !configVariableNames.includes(name))).toEqual([]);
    // A docker/ script a service runs gets every variable it reads without a default of its own.
    const scripts = Object.entries(services).flatMap(([name, service]) =>
      (service.volumes ?? [])
        .filter((volume) => volume.source.endsWith('.sh') && service.entrypoint?.includes(volume.target))
        .map((volume) => ({ name, service, path: volume.source })),
    );
    expect(scripts.map(({ name }) => name).sort()).toEqual(['postgresql', 'temporal-namespace', 'temporal-schema']);
    for (const { name, service, path } of scripts) {
      // ${NAME} or ${NAME:-}: read with no default of the script's own.
      const needed = [...readFileSync(path, 'utf8').matchAll(/\$\{([A-Z]\w*)(:-)?\}/g)].map(([, variable]) => variable);
      const missing = needed.filter((variable) => !(variable in (service.environment ?? {})));
      expect({ name, missing }).toEqual({ name, missing: [] });
    }
  });

  it('.env.example mentions every configuration variable; README’s table documents each', () => {
    const mentioned = new Set([...example.matchAll(/^#? ?(\w+)=/gm)].map(([, name]) => name));
    expect(configVariableNames.filter((name) => !mentioned.has(name))).toEqual([]);
    const tableRows = readFileSync(join(ROOT, 'README.md'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('| `'));
    const documented = new Set(tableRows.flatMap((row) => [...row.split(' | ')[0].matchAll(/`(\w+)`/g)].map(([, name]) => name)));
    expect(configVariableNames.filter((name) => !documented.has(name))).toEqual([]);
  });

  it('a password of the allowed characters reaches DATABASE_URL and Temporal unchanged; .env.example says how to make one', async () => {
    expect(example).toContain('openssl rand -hex 24');
    for (const name of ['PLUDE_DB_PASSWORD', 'TEMPORAL_DB_PASSWORD']) expect(new RegExp(`^${name}=(.*)$`, 'm').exec(example)?.[1]).toMatch(PASSWORD);
    const every = 'AZaz09-._~';
    const { services } = await loadCompose({ PLUDE_DB_PASSWORD: every, TEMPORAL_DB_PASSWORD: every });
    for (const role of ROLES) {
      const url = new URL(services[role].environment?.DATABASE_URL ?? '');
      expect({ role, username: url.username, password: url.password }).toEqual({ role, username: 'plude', password: every });
      expect(loadConfig(environmentOf(services[role])).database.url).toBe(services[role].environment?.DATABASE_URL);
    }
    // Temporal's config template puts it in a double-quoted YAML string: none of the allowed characters is special there.
    expect(services.temporal.environment?.POSTGRES_PWD).toBe(every);
    expect(every).not.toMatch(/["\\]/);
  });

  describe("README's first run, line by line (but `docker compose`)", () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'plude-first-run-'));
      copyFileSync(join(ROOT, '.env.example'), join(dir, '.env.example'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('writes a master key, an admin token and two safe passwords into .env, which the roles then accept', async () => {
      const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
      const section = readme.slice(readme.indexOf('## Running it for real'));
      const block = /```sh\n(cp \.env\.example \.env\n[\s\S]*?)```/.exec(section)?.[1] ?? '';
      expect(block).toMatch(/docker compose up -d/);
      const lines = block.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('docker '));
      expect(lines.length).toBeGreaterThanOrEqual(3);
      execFileSync('sh', ['-euc', lines.join('\n')], { cwd: dir, env: { PATH: process.env.PATH } });
      const { services } = await loadCompose({}, COMPOSE_FILE, join(dir, '.env'));
      for (const role of ROLES) {
        const config = loadConfig(environmentOf(services[role]));
        expect(config.encryption.key).toBeDefined();
        expect(new URL(config.database.url ?? '').password).toMatch(/^[0-9a-f]{48}$/);
      }
      expect(loadConfig(environmentOf(services.api)).adminToken).toMatch(/^.{16,}$/);
      expect(services.temporal.environment?.POSTGRES_PWD).toMatch(/^[0-9a-f]{48}$/);
      expect(services.postgresql.environment?.PLUDE_DB_PASSWORD).toBe(new URL(services.api.environment?.DATABASE_URL ?? '').password);
    });
  });
});

/** A service's environment as a process would see it (compose gives no value as an empty string). */
const environmentOf = (service: Service): Record<string, string> =>
  Object.fromEntries(Object.entries(service.environment ?? {}).map(([name, value]) => [name, value ?? '']));
