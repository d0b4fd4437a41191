import { releaseTestGlobals, type TestGlobals, TEST_GLOBALS_KEY } from './global-setup';

/** Stops the suite's dev server, drops its database and removes its temporary files. */
export default async function globalTeardown(): Promise<void> {
  const globals = (globalThis as Record<string, unknown>)[TEST_GLOBALS_KEY] as TestGlobals | undefined;
  if (globals) await releaseTestGlobals(globals);
}
