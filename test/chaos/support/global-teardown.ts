import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../support/built';
import { CHAOS_GLOBALS_KEY, type ChaosGlobals, releaseChaosGlobals } from './global-setup';
import { readResults, renderReliability } from './reliability-report';

/** Writes RELIABILITY.md when asked (`npm run test:chaos -- --report`), then stops the shared servers. */
export default async function globalTeardown(): Promise<void> {
  const globals = (globalThis as Record<string, unknown>)[CHAOS_GLOBALS_KEY] as ChaosGlobals | undefined;
  if (!globals) return;
  if (process.env.CHAOS_REPORT === '1') {
    const file = path.join(ROOT, 'RELIABILITY.md');
    const seconds = (Date.now() - globals.startedAt.getTime()) / 1000;
    writeFileSync(
      file,
      renderReliability(readResults(globals.resultsFile), {
        startedAt: globals.startedAt,
        seconds,
        temporalServer: 'server v1.29.1, PostgreSQL persistence and SQL visibility (postgres12 plugin)',
      }),
    );
    process.stderr.write(`[chaos-teardown] wrote ${file}\n`);
  }
  await releaseChaosGlobals(globals);
}
