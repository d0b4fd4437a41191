import { existsSync } from 'node:fs';
import path from 'node:path';

/** The prebuilt bundle written by `npm run build` (scripts/bundle-workflows.ts), relative to dist/src/runtime. */
export const BUILT_BUNDLE = path.resolve(__dirname, '../../workflow-bundle.js');
/** The same workflows with the OpenTelemetry workflow interceptors: what a worker runs with tracing on. */
export const BUILT_TRACED_BUNDLE = path.resolve(__dirname, '../../workflow-bundle-traced.js');

/**
 * Where the worker gets its workflow code: a bundle made once (by the build, or by the test suite's global setup)
 * when there is one, otherwise the workflows folder, bundled at start-up.
 */
export function workflowSource(bundlePath = BUILT_BUNDLE) {
  if (existsSync(bundlePath)) return { workflowBundle: { codePath: bundlePath } };
  return { workflowsPath: require.resolve('../../workflows') };
}

/**
 * The traced worker's workflow code: the traced bundle when there is one, otherwise the workflows folder bundled at
 * start-up with the tracing interceptors (TRACING_WORKFLOW_MODULES, which Worker.create takes from its
 * `interceptors.workflowModules`). The workflows' commands are the same either way: the interceptors add spans and
 * headers, which replay does not compare (test/replay replays the corpus through them).
 */
export function tracedWorkflowSource(bundlePath: string | null = BUILT_TRACED_BUNDLE) {
  if (bundlePath !== null && existsSync(bundlePath)) return { workflowBundle: { codePath: bundlePath } };
  return { workflowsPath: require.resolve('../../workflows') };
}
