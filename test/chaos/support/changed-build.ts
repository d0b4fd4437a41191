import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { ROOT } from '../../support/built';

/** The patch ID of the change the next release's deliverNotification carries (U1). */
export const ATTEMPTS_PLANNED_PATCH = 'attempts-planned';

/** Where the loop of deliverNotification starts: the change goes at the head of each turn. */
const LOOP_HEAD = '    while (Date.now() < expiresAt) {\n';

/**
 * The next release's change to deliverNotification: a workflow-side count of the attempt rounds it planned, kept in
 * the workflow's memo (an UpsertWorkflowProperties command, visible in history and in the Web UI) at the head of every
 * turn of the delivery loop. `guarded`: behind patched(), as README's "Changing a workflow" says; without it, every
 * running notification that a new worker replays meets a command its history does not have.
 */
function changeDeliverNotification(source: string, guarded: boolean): string {
  const [head, ...rest] = source.split(LOOP_HEAD);
  if (rest.length !== 1) throw new Error(`deliverNotification's loop head was not found once: update ${__filename}`);
  const count = 'upsertMemo({ attemptsPlanned: ++attemptsPlanned });';
  const turn = guarded ? `      if (patched('${ATTEMPTS_PLANNED_PATCH}')) ${count}\n` : `      ${count}\n`;
  const imported = head.replace("from '@temporalio/workflow';", "from '@temporalio/workflow';\nimport { patched, upsertMemo } from '@temporalio/workflow';");
  return `${imported}    let attemptsPlanned = 0;\n${LOOP_HEAD}${turn}${rest[0]}`;
}

export interface ChangedBuild {
  /** The build's root: `dist/src/worker.js` under it is `npm run start:worker` of that build. */
  root: string;
  remove(): Promise<void>;
}

/**
 * A second build of the service, as the next release's deploy ships it: this build's dist/ with a workflow bundle
 * made from a changed copy of workflows/ (the compiled activities and the rest are the same). It lives in the
 * repository's `.chaos-builds/<name>` (ignored), so that its code resolves the repository's node_modules.
 */
export async function changedBuild(name: string, { guarded }: { guarded: boolean }): Promise<ChangedBuild> {
  const root = path.join(ROOT, '.chaos-builds', name);
  await rm(root, { recursive: true, force: true });
  await cp(path.join(ROOT, 'dist'), path.join(root, 'dist'), { recursive: true });
  const workflows = path.join(root, 'workflows');
  await mkdir(workflows, { recursive: true });
  for (const file of await readdir(path.join(ROOT, 'workflows'))) {
    const source = await readFile(path.join(ROOT, 'workflows', file), 'utf8');
    await writeFile(path.join(workflows, file), file === 'deliver-notification.ts' ? changeDeliverNotification(source, guarded) : source);
  }
  const { code } = await bundleWorkflowCode({ workflowsPath: path.join(workflows, 'index.ts'), logger: new DefaultLogger('WARN') });
  await writeFile(path.join(root, 'dist', 'workflow-bundle.js'), code);
  return { root, remove: () => rm(root, { recursive: true, force: true }) };
}
