import { writeFile } from 'node:fs/promises';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { TRACING_WORKFLOW_MODULES } from '../src/observability/tracing';
import { BUILT_BUNDLE, BUILT_TRACED_BUNDLE } from '../src/runtime/workflow-source';

/**
 * `npm run build` bundles the workflow code once, so workers start without bundling it again: as it is, and with the
 * OpenTelemetry workflow interceptors for workers with tracing on (src/observability/tracing.ts).
 */
async function main(): Promise<void> {
  // The bundler's webpack report is for LOG_LEVEL=debug; warnings and errors always show.
  const verbose = process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'verbose';
  const logger = new DefaultLogger(verbose ? 'INFO' : 'WARN');
  const workflowsPath = require.resolve('../workflows');
  for (const [path, workflowInterceptorModules] of [
    [BUILT_BUNDLE, []],
    [BUILT_TRACED_BUNDLE, TRACING_WORKFLOW_MODULES],
  ] as const) {
    const started = Date.now();
    const { code } = await bundleWorkflowCode({ workflowsPath, workflowInterceptorModules: [...workflowInterceptorModules], logger });
    await writeFile(path, code);
    process.stdout.write(`workflow bundle written to ${path} in ${Date.now() - started} ms\n`);
  }
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});
