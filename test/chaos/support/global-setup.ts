import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt } from '../../support/built';
import { type SuitePostgres, startSuitePostgres } from '../../support/suite-postgres';
import { startTemporalServer, type TemporalServerHandle } from './temporal-server';
import { timed } from '../../support/timed';

/** What global-teardown.ts undoes and reports; kept on globalThis (same process). */
export interface ChaosGlobals {
  postgres?: SuitePostgres;
  temporal?: TemporalServerHandle;
  tmpDir: string;
  startedAt: Date;
  resultsFile: string;
}
export const CHAOS_GLOBALS_KEY = '__pludeChaosGlobals';

const say = (line: string) => process.stderr.write(`[chaos-setup] ${line}\n`);
const timedSay = <T>(label: string, work: () => Promise<T>) => timed(label, work, say);

/**
 * The chaos suite's shared parts: `npm run build`'s output (the cases run dist/src/api.js and worker.js), an
 * embedded PostgreSQL (or CHAOS_DATABASE_ADMIN_URL's server), and on it one PostgreSQL-backed Temporal server that
 * every case uses unless it brings its own. Cases create their own databases and task queues.
 */
export default async function globalSetup(): Promise<void> {
  const tmpDir = await mkdtemp(join(tmpdir(), 'plude-chaos-'));
  const resultsFile = process.env.CHAOS_RESULTS_FILE || join(tmpDir, 'results.jsonl');
  await writeFile(resultsFile, '');
  const globals: ChaosGlobals = { tmpDir, startedAt: new Date(), resultsFile };
  (globalThis as Record<string, unknown>)[CHAOS_GLOBALS_KEY] = globals;
  try {
    await timedSay('build checked', async () => ensureBuilt());
    globals.postgres = await timedSay('PostgreSQL ready', () => startSuitePostgres(process.env.CHAOS_DATABASE_ADMIN_URL || undefined, () => undefined));
    say(`PostgreSQL: ${globals.postgres.description}`);
    globals.temporal = await timedSay('Temporal server (PostgreSQL persistence) ready', () =>
      startTemporalServer({ adminUrl: globals.postgres!.adminUrl, databasePrefix: 'chaos_suite', log: () => undefined }),
    );
    say(`Temporal server at ${globals.temporal.address}`);
  } catch (err) {
    await releaseChaosGlobals(globals).catch(() => undefined);
    throw err;
  }
  Object.assign(process.env, {
    CHAOS_PG_ADMIN_URL: globals.postgres.adminUrl,
    CHAOS_TEMPORAL_ADDRESS: globals.temporal.address,
    CHAOS_RESULTS_FILE: resultsFile,
  });
}

export async function releaseChaosGlobals(globals: ChaosGlobals): Promise<void> {
  await globals.temporal?.close().catch(() => undefined);
  await globals.postgres?.stop().catch(() => undefined);
  await rm(globals.tmpDir, { recursive: true, force: true });
}
