import { rm } from 'node:fs/promises';
import { type TestGlobals, TEST_GLOBALS_KEY, dropTestDatabase } from './global-setup';

function say(line: string): void {
  process.stderr.write(`[global-teardown] ${line}\n`);
}

/** Undoes test/support/global-setup.ts: stops the dev server, drops the test database, removes temp files. */
export default async function globalTeardown(): Promise<void> {
  const globals = (globalThis as Record<string, unknown>)[TEST_GLOBALS_KEY] as TestGlobals | undefined;
  if (!globals) return;
  delete (globalThis as Record<string, unknown>)[TEST_GLOBALS_KEY];
  const started = Date.now();
  const errors: unknown[] = [];
  await Promise.all([
    globals.server?.stop().catch((err: unknown) => errors.push(err)),
    globals.database &&
      dropTestDatabase(globals.database).catch((err: unknown) => errors.push(err)),
  ]);
  if (globals.tmpDir) await rm(globals.tmpDir, { recursive: true, force: true });
  say(`done in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  if (errors.length) throw errors[0];
}
