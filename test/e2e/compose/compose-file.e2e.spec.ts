import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadConfig } from '../../../src/config/config';
import { COMPOSE_FILE, ROOT, Service, loadCompose, removeComposeChecker } from './compose-loader';

afterAll(removeComposeChecker);

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

  it('the tracing profile: Jaeger only with it, the roles pointed at it by OTEL_EXPORTER_OTLP_ENDPOINT, tracing off without', async () => {
    const plain = await loadCompose({});
    expect(Object.keys(plain.services)).not.toContain('jaeger');
    for (const role of ['api', 'worker']) {
      expect(plain.services[role].environment).toMatchObject({ OTEL_EXPORTER_OTLP_ENDPOINT: '', TRACE_URL_TEMPLATE: '' });
      // Started after Jaeger when the profile is on, without it otherwise.
      expect(plain.services[role].depends_on).toMatchObject({ jaeger: { condition: 'service_started', required: false } });
    }
    const traced = await loadCompose({
      COMPOSE_PROFILES: 'tracing',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318',
      TRACE_URL_TEMPLATE: 'http://localhost:16686/trace/{traceId}',
    });
    expect(traced.services.jaeger).toMatchObject({ profiles: ['tracing'], image: expect.stringMatching(/^jaegertracing\/all-in-one:1\.\d+\.\d+$/) });
    expect(JSON.stringify(traced.services.jaeger.ports)).toContain('"host_ip":"127.0.0.1"');
    for (const role of ['api', 'worker']) {
      expect(traced.services[role].environment).toMatchObject({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318',
        TRACE_URL_TEMPLATE: 'http://localhost:16686/trace/{traceId}',
      });
      const environment = traced.services[role].environment ?? {};
      // What the roles read of it is a valid configuration with tracing on.
      const settings = Object.fromEntries(
        Object.entries(environment)
          .filter(([name]) => /^(OTEL_|TRACE_URL)/.test(name))
          .map(([k, v]) => [k, v ?? '']),
      );
      expect(loadConfig(settings).tracing).toMatchObject({ enabled: true, urlTemplate: 'http://localhost:16686/trace/{traceId}' });
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

    it('exactly one service builds plude-webhooks:local; the other runs that image by name and never pulls it', () => {
      // Two services that build one tag race for it (bake builds one target per service): the first `up` can fail.
      const building = Object.entries(services).filter(([, service]) => service.build !== undefined);
      expect(building.map(([name]) => name)).toEqual(['api']);
      const byImage = Object.entries(services).filter(([, service]) => service.image === 'plude-webhooks:local');
      expect(byImage.map(([name]) => name).sort()).toEqual(['api', 'worker']);
      expect(services.worker.pull_policy).toBe('never');
      expect(services.worker.command).toEqual(['node', 'dist/src/worker.js']);
    });

    it('sets the history shard count explicitly (fixed at the first start), 512 unless NUM_HISTORY_SHARDS says', async () => {
      expect(services.temporal.environment).toMatchObject({ NUM_HISTORY_SHARDS: '512' });
      const small = await loadCompose({ NUM_HISTORY_SHARDS: '128' });
      expect(small.services.temporal.environment).toMatchObject({ NUM_HISTORY_SHARDS: '128' });
    });

    it("the Temporal server exports Prometheus metrics, published on the host's loopback; nothing but the API listens wider", () => {
      const endpoint = services.temporal.environment?.PROMETHEUS_ENDPOINT ?? '';
      const port = Number(endpoint.split(':').at(-1));
      expect(services.temporal.ports).toContainEqual(expect.objectContaining({ host_ip: '127.0.0.1', target: port }));
      for (const [name, service] of Object.entries(services))
        for (const published of service.ports ?? []) expect({ name, host_ip: published.host_ip }).toEqual({ name, host_ip: '127.0.0.1' });
    });

    it("mounts the dynamic-config folder, not the file (an editor's atomic save replaces the file)", () => {
      const path = services.temporal.environment?.DYNAMIC_CONFIG_FILE_PATH ?? '';
      const mount = services.temporal.volumes?.find((volume) => volume.target === dirname(path));
      expect(mount).toMatchObject({ type: 'bind', read_only: true });
      expect(statSync(mount!.source).isDirectory()).toBe(true);
      expect(existsSync(join(mount!.source, path.slice(dirname(path).length + 1)))).toBe(true);
    });

    it('the namespace job runs the retrying script (test/unit/compose-scripts.spec.ts) once, and the roles wait for it to succeed', () => {
      const job = services['temporal-namespace'];
      expect(job.restart).toBe('no');
      const script = job.volumes?.find((volume) => job.entrypoint?.includes(volume.target));
      expect(script?.source).toBe(join(ROOT, 'docker/temporal-namespace.sh'));
      const text = readFileSync(script!.source, 'utf8');
      // Bounded retries of each step, the last a visibility query on a plude search attribute.
      expect(text).toMatch(/RETRY_ATTEMPTS:-\d+/);
      expect(text).toMatch(/retry "[^"]+" ensure_namespace/);
      expect(text).toMatch(/retry "[^"]+" register_search_attributes/);
      expect(text).toMatch(/temporal workflow count .*--query "Plude\w+ = /);
    });

    it("PostgreSQL's entrypoint checks the passwords, then runs the image's own", () => {
      const pg = services.postgresql;
      expect(pg.entrypoint).toEqual(['/bin/sh', '/usr/local/bin/check-passwords.sh', 'docker-entrypoint.sh']);
      expect(pg.volumes).toContainEqual(
        expect.objectContaining({ source: join(ROOT, 'docker/check-passwords.sh'), target: '/usr/local/bin/check-passwords.sh', read_only: true }),
      );
      expect(pg.environment).toMatchObject({ POSTGRES_PASSWORD: 'temporal', PLUDE_DB_PASSWORD: 'plude' });
    });
  });

  it("the Grafana dashboard charts the Temporal server's metrics, filtered by a job variable of their own", () => {
    const dashboard = JSON.parse(readFileSync(join(ROOT, 'docs/grafana-dashboard.json'), 'utf8')) as {
      templating: { list: { name: string; query?: string }[] };
      panels: { targets: { expr: string }[] }[];
    };
    expect(dashboard.templating.list).toContainEqual(expect.objectContaining({ name: 'temporal_job', query: expect.stringContaining('numshards_gauge') }));
    const serverQueries = dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr)).filter((expr) => !expr.includes('plude_'));
    // Series names and labels as a Temporal 1.29 server serves them (tally's Prometheus reporter: no _total suffix).
    for (const series of ['numshards_gauge', 'service_requests', 'service_errors', 'persistence_latency_bucket', 'persistence_errors'])
      expect(serverQueries).toContainEqual(expect.stringContaining(`${series}{job=~"$temporal_job"}`));
    expect(serverQueries.filter((expr) => expr.includes('service_type'))).toEqual([]);
  });

  it('the image is built from a Node base pinned to a minor release', () => {
    expect(readFileSync(join(ROOT, 'Dockerfile'), 'utf8')).toMatch(/^ARG NODE_IMAGE=node:24\.\d+-bookworm-slim$/m);
  });
});
