import { readdirSync, statSync } from 'node:fs';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { type DevServerHandle, startTemporalDevServer } from '../../src/dev/dev-server';
import { freePort } from '../../src/lib/free-port';
import { SEARCH_ATTRIBUTES } from '../../src/temporal/search-attributes';
import { obtainTemporalCli } from '../../src/dev/temporal-cli';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database';
import { type SuitePostgres, startSuitePostgres } from './suite-postgres';
import { timed } from './timed';

/** What global-teardown.ts undoes; kept on globalThis (same process). */
export interface TestGlobals {
  server?: DevServerHandle;
  postgres?: SuitePostgres;
  database?: ScratchDatabase;
  tmpDir: string;
}
export const TEST_GLOBALS_KEY = '__pludeTestGlobals';

const say = (line: string) => process.stderr.write(`[global-setup] ${line}\n`);
const timedSay = <T>(label: string, work: () => Promise<T>) => timed(label, work, say);

/**
 * The suite's Temporal server: TEMPORAL_ADDRESS when set (with TEMPORAL_UI_URL, its Web UI, for the browser test),
 * else one dev server for every test file, with its Web UI on a free port (TEMPORAL_UI_URL) for the browser test.
 */
async function temporal(globals: TestGlobals): Promise<string> {
  if (process.env.TEMPORAL_ADDRESS) {
    say(`using the Temporal server at TEMPORAL_ADDRESS=${process.env.TEMPORAL_ADDRESS}`);
    return process.env.TEMPORAL_ADDRESS;
  }
  const cliPath = await timedSay('Temporal CLI found', () => obtainTemporalCli(say));
  globals.server = await timedSay('temporal dev server ready', async () =>
    startTemporalDevServer({
      cliPath,
      port: await freePort(),
      uiPort: await freePort(),
      namespace: 'default',
      searchAttributes: SEARCH_ATTRIBUTES,
      log: (line) => say(`[temporal] ${line}`),
    }),
  );
  return globals.server.address;
}

/**
 * The suite's PostgreSQL: the server TEST_DATABASE_URL names, else an embedded one for this run (its own output is
 * left out; a failed start quotes its last lines). Test files that
 * need databases of their own create them on it through TEST_DATABASE_ADMIN_URL (set below).
 */
async function database(globals: TestGlobals): Promise<{ adminUrl: string; url: string }> {
  globals.postgres = await timedSay('PostgreSQL ready', () => startSuitePostgres(process.env.TEST_DATABASE_URL || undefined, () => undefined));
  say(`PostgreSQL: ${globals.postgres.description}`);
  const adminUrl = globals.postgres.adminUrl;
  globals.database = await timedSay('test database created', () => createScratchDatabase(adminUrl, 'plude_test'));
  return { adminUrl, url: globals.database.url };
}

const ROOT = join(__dirname, '..', '..');
/** What `npm run build` bundles (scripts/bundle-workflows.ts): the same workflows/ code, webpacked by the same SDK. */
const BUILT_BUNDLE = join(ROOT, 'dist', 'workflow-bundle.js');

const mtime = (path: string): number => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
};

/** The newest modification time under `dir` (files and folders: a deleted file changes its folder's). */
function newest(dir: string): number {
  let latest = mtime(dir);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : mtime(full));
  }
  return latest;
}

/**
 * The build's bundle, when it is newer than what goes into it: workflows/ (which value-imports nothing else of
 * ours), activities/ (whose types it uses) and the installed @temporalio/workflow. Else undefined.
 */
function upToDateBuiltBundle(): string | undefined {
  const built = mtime(BUILT_BUNDLE);
  const inputs = Math.max(newest(join(ROOT, 'workflows')), newest(join(ROOT, 'activities')), mtime(join(ROOT, 'node_modules', '@temporalio', 'workflow')));
  return built > inputs ? BUILT_BUNDLE : undefined;
}

/**
 * The workflow code for every worker in the suite: `npm run build`'s bundle when it is up to date (CI builds first),
 * copied (a test that rebuilds dist/ cannot change it under a starting worker); else bundled here, once.
 */
async function bundle(dir: string): Promise<string> {
  const file = join(dir, 'workflow-bundle.js');
  const built = upToDateBuiltBundle();
  if (built) {
    return timedSay(`workflow bundle of npm run build (${built}) reused`, async () => {
      await copyFile(built, file);
      return file;
    });
  }
  return timedSay('workflow code bundled (dist/workflow-bundle.js missing or older than workflows/ or activities/)', async () => {
    const { code } = await bundleWorkflowCode({
      workflowsPath: require.resolve('../../workflows'),
      logger: new DefaultLogger('WARN', ({ level, message }) => say(`[bundler] ${level} ${message}`)),
    });
    await writeFile(file, code);
    return file;
  });
}

/** Undoes whatever the setup got to; also used by global-teardown.ts. */
export async function releaseTestGlobals(globals: TestGlobals): Promise<void> {
  const dropDatabase = async () => {
    try {
      await globals.database?.drop();
    } finally {
      await globals.postgres?.stop();
    }
  };
  await Promise.all([globals.server?.stop(), dropDatabase()]);
  await rm(globals.tmpDir, { recursive: true, force: true });
}

export default async function globalSetup(): Promise<void> {
  const globals: TestGlobals = { tmpDir: await mkdtemp(join(tmpdir(), 'plude-test-')) };
  (globalThis as Record<string, unknown>)[TEST_GLOBALS_KEY] = globals;
  // allSettled: on a failure, wait for the other steps before undoing what they started.
  const [address, postgres, bundlePath] = await Promise.allSettled([temporal(globals), database(globals), bundle(globals.tmpDir)]);
  if (address.status === 'rejected' || postgres.status === 'rejected' || bundlePath.status === 'rejected') {
    await releaseTestGlobals(globals).catch(() => undefined); // Jest runs no globalTeardown after a failed setup
    throw [address, postgres, bundlePath].map((r) => (r.status === 'rejected' ? r.reason : null)).find(Boolean);
  }
  Object.assign(process.env, {
    TEMPORAL_ADDRESS: address.value,
    DATABASE_URL: postgres.value.url,
    TEST_DATABASE_ADMIN_URL: postgres.value.adminUrl,
    TEST_WORKFLOW_BUNDLE: bundlePath.value,
  });
  if (globals.server?.uiUrl) process.env.TEMPORAL_UI_URL = globals.server.uiUrl;
}
