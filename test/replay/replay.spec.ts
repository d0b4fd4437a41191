import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';

/**
 * Replays every recorded history in test/replay/histories (one for each path a notification or a recovery can take,
 * recorded from the real stack by `npm run replay:record`, one folder per release) against today's workflow code. A change that alters the
 * commands a running workflow issues, without `patched()`, fails here: on a deployment it would stall every running
 * workflow of that path with a nondeterminism error. No Temporal server is needed: the replay runs in this process.
 */
const HISTORIES = join(__dirname, 'histories');

// The replay worker's own news (a nondeterminism is reported below, per history) stays out of the test output.
beforeAll(() => Runtime.install({ logger: new DefaultLogger('ERROR') }));

it('replays every recorded history without a nondeterminism error', async () => {
  // One folder per release: histories/<version>/<path>.json.
  const files = (await readdir(HISTORIES, { recursive: true })).filter((file) => file.endsWith('.json')).sort();
  expect(files.length).toBeGreaterThanOrEqual(12);
  const histories = await Promise.all(
    files.map(async (file) => ({ workflowId: file.replace(/\.json$/, ''), history: JSON.parse(await readFile(join(HISTORIES, file), 'utf8')) as unknown })),
  );

  const failures: string[] = [];
  let replayed = 0;
  for await (const result of Worker.runReplayHistories({ workflowsPath: require.resolve('../../workflows'), replayName: 'replay-corpus' }, histories)) {
    replayed++;
    if (result.error) failures.push(`${result.workflowId}: ${result.error.name}: ${result.error.message}`);
  }
  expect(failures).toEqual([]);
  expect(replayed).toBe(files.length);
}, 60_000);
