import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BundleOptions, DefaultLogger, bundleWorkflowCode } from '@temporalio/worker';
import { Client } from 'pg';
import { type DevServerHandle, freePort, startTemporalDevServer } from '../../src/temporal/dev-server';
import { SEARCH_ATTRIBUTES } from '../../src/temporal/search-attributes';
import { obtainTemporalCli, repoRoot } from '../../src/temporal/temporal-cli';

/** Kept on globalThis for global-teardown.ts (same process). */
export interface TestGlobals {
  server?: DevServerHandle;
  database?: { adminUrl: string; name: string };
  tmpDir?: string;
}
export const TEST_GLOBALS_KEY = '__pludeTestGlobals';

export function say(line: string): void {
  process.stderr.write(`[global-setup] ${line}\n`);
}

export async function dropTestDatabase({ adminUrl, name }: { adminUrl: string; name: string }): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** What the suite publishes to the tests (process.env and the JSON file in PLUDE_TEST_ENV_FILE). */
interface TestEnv {
  TEMPORAL_ADDRESS: string;
  TEMPORAL_NAMESPACE: string;
  DATABASE_URL: string;
  TEST_WORKFLOW_BUNDLE?: string;
}

const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await work();
  say(`${label} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return result;
}

async function temporal(globals: TestGlobals): Promise<Pick<TestEnv, 'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE'>> {
  const preset = process.env.TEMPORAL_ADDRESS;
  if (preset) {
    say(`using the Temporal server at TEMPORAL_ADDRESS=${preset} (no dev server started)`);
    return { TEMPORAL_ADDRESS: preset, TEMPORAL_NAMESPACE: process.env.TEMPORAL_NAMESPACE || 'default' };
  }
  const cliPath = await timed('Temporal CLI found', () => obtainTemporalCli((line) => say(line)));
  const server = await timed('temporal dev server ready', async () =>
    startTemporalDevServer({
      cliPath,
      port: await freePort(),
      uiPort: null,
      namespace: 'default',
      searchAttributes: { ...SEARCH_ATTRIBUTES },
      log: (line) => say(`[temporal] ${line}`),
    }),
  );
  globals.server = server;
  say(`temporal dev server at ${server.address}`);
  return { TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: 'default' };
}

async function database(globals: TestGlobals): Promise<string> {
  const adminUrl = process.env.TEST_DATABASE_URL || DEFAULT_ADMIN_URL;
  const name = `plude_test_${Date.now()}_${process.pid}`;
  await timed(`database ${name} created`, async () => {
    const client = new Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
    } finally {
      await client.end();
    }
  });
  globals.database = { adminUrl, name };
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function bundle(dir: string): Promise<string | undefined> {
  const override = process.env.TEST_WORKFLOWS_PATH;
  const workflowsPath = override ? resolve(override) : join(repoRoot(), 'workflows', 'index.ts');
  if (!existsSync(workflowsPath)) {
    say(`no workflow code at ${workflowsPath}: TEST_WORKFLOW_BUNDLE not set (tests needing a worker will fail)`);
    return undefined;
  }
  return timed('workflow code bundled', async () => {
    const { code } = await bundleWorkflowCode({
      workflowsPath: require.resolve(workflowsPath),
      logger: new DefaultLogger('WARN', ({ level, message }) => say(`[bundler] ${level} ${message}`)),
      // an override outside the repo (e.g. a stub under /tmp) still resolves @temporalio/* from here
      webpackConfigHook: override ? (config) => withRepoModules(config) : undefined,
    });
    const file = join(dir, 'workflow-bundle.js');
    await writeFile(file, code);
    return file;
  });
}

type WebpackConfig = Parameters<NonNullable<BundleOptions['webpackConfigHook']>>[0];

function withRepoModules(config: WebpackConfig): WebpackConfig {
  const modules = config.resolve?.modules ?? ['node_modules'];
  return { ...config, resolve: { ...config.resolve, modules: [...modules, join(repoRoot(), 'node_modules')] } };
}

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const globals: TestGlobals = { tmpDir: await mkdtemp(join(tmpdir(), 'plude-test-')) };
  (globalThis as Record<string, unknown>)[TEST_GLOBALS_KEY] = globals;
  const dir = globals.tmpDir as string;

  const [t, db, b] = await Promise.allSettled([temporal(globals), database(globals), bundle(dir)]);
  if (t.status === 'rejected' || db.status === 'rejected' || b.status === 'rejected') {
    // Jest does not run globalTeardown when globalSetup fails: clean up here.
    await globals.server?.stop().catch(() => undefined);
    if (globals.database) await dropTestDatabase(globals.database).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    const failed = [t, db, b].find((r): r is PromiseRejectedResult => r.status === 'rejected');
    throw failed?.reason;
  }

  const env: TestEnv = { ...t.value, DATABASE_URL: db.value, TEST_WORKFLOW_BUNDLE: b.value };
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  const envFile = join(dir, 'test-env.json');
  await writeFile(envFile, JSON.stringify(env, null, 2) + '\n');
  process.env.PLUDE_TEST_ENV_FILE = envFile;
  say(`ready in ${((Date.now() - started) / 1000).toFixed(1)}s (env: ${envFile})`);
}
