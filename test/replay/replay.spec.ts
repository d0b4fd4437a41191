import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { Resource } from '@opentelemetry/resources';
import { makeWorkflowExporter } from '@temporalio/interceptors-opentelemetry';
import { DefaultLogger, type ReplayWorkerOptions, Runtime, Worker } from '@temporalio/worker';
import { TRACING_WORKFLOW_MODULES } from '../../src/observability/tracing';

/**
 * Replays every recorded history in test/replay/histories (one for each path a notification or a recovery can take,
 * recorded from the real stack by `npm run replay:record`, one folder per release) against today's workflow code. A change that alters the
 * commands a running workflow issues, without `patched()`, fails here: on a deployment it would stall every running
 * workflow of that path with a nondeterminism error. No Temporal server is needed: the replay runs in this process.
 */
const HISTORIES = join(__dirname, 'histories');

// The replay worker's own news (a nondeterminism is reported below, per history) stays out of the test output.
beforeAll(() => Runtime.install({ logger: new DefaultLogger('ERROR') }));

/** Replays the whole corpus with `options`; returns the failures, one line each. */
async function replayCorpus(options: ReplayWorkerOptions): Promise<string[]> {
  // One folder per release: histories/<version>/<path>.json.
  const files = (await readdir(HISTORIES, { recursive: true })).filter((file) => file.endsWith('.json')).sort();
  expect(files.length).toBeGreaterThanOrEqual(12);
  const histories = await Promise.all(
    files.map(async (file) => ({ workflowId: file.replace(/\.json$/, ''), history: JSON.parse(await readFile(join(HISTORIES, file), 'utf8')) as unknown })),
  );
  const failures: string[] = [];
  let replayed = 0;
  for await (const result of Worker.runReplayHistories(options, histories)) {
    replayed++;
    if (result.error) failures.push(`${result.workflowId}: ${result.error.name}: ${result.error.message}`);
  }
  expect(replayed).toBe(files.length);
  return failures;
}

it('replays every recorded history without a nondeterminism error', async () => {
  expect(await replayCorpus({ workflowsPath: require.resolve('../../workflows'), replayName: 'replay-corpus' })).toEqual([]);
}, 60_000);

// Tracing turned on (README: Tracing): a worker with the OpenTelemetry workflow interceptors replays what untraced
// workers recorded, so running workflows carry on when a deployment starts tracing.
it('replays every recorded history through the tracing interceptors too', async () => {
  const traced: ReplayWorkerOptions = {
    workflowsPath: require.resolve('../../workflows'),
    replayName: 'replay-corpus-traced',
    interceptors: { workflowModules: TRACING_WORKFLOW_MODULES },
    sinks: { exporter: makeWorkflowExporter(new InMemorySpanExporter(), Resource.empty()) },
  };
  expect(await replayCorpus(traced)).toEqual([]);
}, 60_000);
