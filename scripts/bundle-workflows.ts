import { writeFile } from 'node:fs/promises';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { BUILT_BUNDLE } from '../src/runtime/workflow-source';

/** `npm run build` bundles the workflow code once, so workers start without bundling it again. */
async function main(): Promise<void> {
  const started = Date.now();
  // The bundler's webpack report is for LOG_LEVEL=debug; warnings and errors always show.
  const verbose = process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'verbose';
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), logger: new DefaultLogger(verbose ? 'INFO' : 'WARN') });
  await writeFile(BUILT_BUNDLE, code);
  process.stdout.write(`workflow bundle written to ${BUILT_BUNDLE} in ${Date.now() - started} ms\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});
