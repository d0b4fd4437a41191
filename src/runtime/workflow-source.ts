import { existsSync } from 'node:fs';
import path from 'node:path';

/** The prebuilt bundle written by `npm run build` (scripts/bundle-workflows.ts), relative to dist/src/runtime. */
export const BUILT_BUNDLE = path.resolve(__dirname, '../../workflow-bundle.js');

/**
 * Where the worker gets its workflow code: a bundle made once (by the build, or by the test suite's global setup)
 * when there is one, otherwise the workflows folder, bundled at start-up.
 */
export function workflowSource(bundlePath = BUILT_BUNDLE) {
  if (existsSync(bundlePath)) return { workflowBundle: { codePath: bundlePath } };
  return { workflowsPath: require.resolve('../../workflows') };
}
