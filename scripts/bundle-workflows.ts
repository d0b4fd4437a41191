import { writeFile } from 'node:fs/promises';
import { bundleWorkflowCode } from '@temporalio/worker';
import { BUILT_BUNDLE } from '../src/temporal/workflow-source';

/** `npm run build` bundles the workflow code once, so workers start without bundling it again. */
async function main(): Promise<void> {
  const started = Date.now();
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows') });
  await writeFile(BUILT_BUNDLE, code);
  process.stdout.write(`workflow bundle written to ${BUILT_BUNDLE} in ${Date.now() - started} ms\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});
