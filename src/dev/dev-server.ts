import { ChildProcess, spawn } from 'node:child_process';
import { constants, accessSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Connection } from '@temporalio/client';
import { grpc } from '@temporalio/proto';
import { LastLines } from '../lib/last-lines';

export type SearchAttributeType = 'Keyword' | 'Text' | 'Int' | 'Datetime' | 'Bool' | 'Double' | 'KeywordList';

export interface DevServerOptions {
  /** Absolute path of the Temporal CLI (see obtainTemporalCli). */
  cliPath: string;
  /** SQLite file for durable state; undefined = in-memory (lost when the server stops). */
  dbFile?: string;
  /** Front-end gRPC port on 127.0.0.1. */
  port: number;
  /** Web UI port; null/undefined = headless. */
  uiPort?: number | null;
  namespace: string;
  searchAttributes: Record<string, SearchAttributeType>;
  log: (line: string) => void;
  /** How long to wait for the server to answer health checks (default 60 s). */
  readyTimeoutMs?: number;
}

export interface DevServerHandle {
  /** host:port of the front-end gRPC service, e.g. 127.0.0.1:7233 */
  address: string;
  uiUrl: string | null;
  /** The server process (for the bench's CPU and memory readings). */
  pid: number | undefined;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const STOP_GRACE_MS = 10_000;
const STDERR_TAIL = 40;

/**
 * The dev server's environment: this process's, without the OpenTelemetry variables. They configure the service's own
 * tracing (README, Tracing); the Temporal server reads them too and refuses to start on `OTEL_TRACES_EXPORTER=console`,
 * which only the service supports.
 */
export function devServerEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('OTEL_')));
}

/** Command-line arguments for `temporal server start-dev`. */
export function devServerArgs(opts: DevServerOptions): string[] {
  const args = ['server', 'start-dev', '--ip', HOST, '--port', String(opts.port), '--log-level', 'warn'];
  if (opts.uiPort != null) args.push('--ui-port', String(opts.uiPort));
  else args.push('--headless');
  if (opts.dbFile) {
    args.push('--db-filename', resolve(opts.dbFile), '--sqlite-pragma', 'journal_mode=WAL');
  }
  if (opts.namespace !== 'default') args.push('--namespace', opts.namespace);
  for (const [name, type] of Object.entries(opts.searchAttributes)) {
    args.push('--search-attribute', `${name}=${type}`);
  }
  // matching.enableFairness: tasks dispatched round-robin between environments (src/temporal/fairness.ts).
  for (const kv of [
    'system.enableActivityEagerExecution=true',
    'matching.numTaskqueueReadPartitions=1',
    'matching.numTaskqueueWritePartitions=1',
    'matching.enableFairness=true',
  ]) {
    args.push('--dynamic-config-value', kv);
  }
  // --http-port and --metrics-port are left out on purpose: the CLI then picks random free ports.
  return args;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Starts `temporal server start-dev` and resolves once it answers gRPC health checks. */
/** The dev server ended on its own before it answered: not a missing CLI, a slow start or a bad option alone. */
class ExitedEarlyError extends Error {
  override readonly name = 'ExitedEarlyError';
}

/**
 * Starts `temporal server start-dev` and resolves once it serves the namespace. A server that exits on its own
 * before it is ready is started once more: the CLI picks its internal ports itself (free when it looked), and another
 * process can take one before it binds it (seen in the test suite: a panic while building the server, exit 2).
 */
export async function startTemporalDevServer(opts: DevServerOptions): Promise<DevServerHandle> {
  try {
    return await launchDevServer(opts);
  } catch (err) {
    if (!(err instanceof ExitedEarlyError)) throw err;
    opts.log(`${err.message.split('\n')[0].replace(/:$/, '')}; starting it once more`);
    return launchDevServer(opts);
  }
}

async function launchDevServer(opts: DevServerOptions): Promise<DevServerHandle> {
  try {
    accessSync(opts.cliPath, constants.X_OK);
  } catch {
    throw new Error(`Temporal CLI ${opts.cliPath} is missing or not executable`);
  }
  if (opts.dbFile) mkdirSync(dirname(resolve(opts.dbFile)), { recursive: true });
  const address = `${HOST}:${opts.port}`;
  const uiUrl = opts.uiPort != null ? `http://${HOST}:${opts.uiPort}` : null;
  const tail = new LastLines(STDERR_TAIL);
  const firstLines: string[] = []; // where a panic says why (its tail is only the stack)
  let muted = false; // shutdown produces a burst of harmless connection warnings
  const [cmd, args] = withParentDeathSignal(opts.cliPath, devServerArgs(opts));
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: devServerEnv(process.env) });

  const state: { exit?: { code: number | null; signal: NodeJS.Signals | null }; spawnError?: Error } = {};
  const exitPromise = new Promise<void>((res) => {
    child.once('close', (code, signal) => {
      state.exit = { code, signal };
      res();
    });
    child.once('error', (err) => {
      state.spawnError = err; // e.g. ENOENT: no 'exit' follows
      res();
    });
  });
  // The app owns signal handling; we only make sure the server never outlives this process.
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.on('exit', killOnExit);
  void exitPromise.then(() => process.removeListener('exit', killOnExit));
  pipeLines(child, (line, isErr) => {
    if (isErr) tail.push(line);
    if (isErr && firstLines.length < 5) firstLines.push(line);
    if (!muted) opts.log(line);
  });

  const stop = async (): Promise<void> => {
    if (state.exit || state.spawnError) return;
    muted = true;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exitPromise;
    clearTimeout(timer);
  };

  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  let lastError = 'no attempt made';
  for (let attempt = 0; ; attempt++) {
    if (state.spawnError) throw new Error(`cannot run ${opts.cliPath}: ${state.spawnError.message}`);
    if (state.exit) {
      const { code, signal } = state.exit;
      const cause = firstLines.find((line) => /panic|error|fatal/i.test(line)) ?? firstLines[0] ?? 'no output';
      throw new ExitedEarlyError(`temporal dev server exited before it was ready (code ${code}, signal ${signal}: ${cause}):\n${tail}`);
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      await stop();
      throw new Error(`temporal dev server at ${address} not ready in time (${lastError}):\n${tail}`);
    }
    try {
      const probe = checkReady(address, opts.namespace, Math.min(2_000, remaining));
      probe.catch(() => undefined);
      await Promise.race([probe, exitPromise]);
      if (!state.exit && !state.spawnError) return { address, uiUrl, pid: child.pid, stop };
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    await Promise.race([sleep(Math.min(100 * 2 ** attempt, 500)), exitPromise]);
  }
}

/**
 * On Linux, `setpriv --pdeathsig TERM` (util-linux; it execs, so the pid stays the server's) makes
 * the kernel stop the server even when this process dies without running exit handlers (SIGKILL,
 * an unhandled SIGTERM). Elsewhere the process.on('exit') hook is all there is.
 */
function withParentDeathSignal(cmd: string, args: string[]): [string, string[]] {
  const setpriv = '/usr/bin/setpriv';
  if (process.platform !== 'linux' || !existsSync(setpriv)) return [cmd, args];
  return [setpriv, ['--pdeathsig', 'TERM', '--', cmd, ...args]];
}

/** One readiness probe: gRPC health SERVING, system info answered, namespace registered. */
async function checkReady(address: string, namespace: string, timeoutMs: number): Promise<void> {
  // lazy + ensureConnected so that a failed attempt's channel is closed too (connect() leaks it)
  const connection = Connection.lazy({ address, connectTimeout: timeoutMs });
  try {
    await connection.ensureConnected();
    const health = await connection.withDeadline(Date.now() + timeoutMs, () =>
      connection.healthService.check({ service: 'temporal.api.workflowservice.v1.WorkflowService' }),
    );
    if (health.status !== grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING) throw new Error(`health status ${health.status}`);
    await connection.withDeadline(Date.now() + timeoutMs, () => connection.workflowService.describeNamespace({ namespace }));
  } finally {
    await connection.close();
  }
}

function pipeLines(child: ChildProcess, onLine: (line: string, isErr: boolean) => void): void {
  for (const [stream, isErr] of [
    [child.stdout, false],
    [child.stderr, true],
  ] as const) {
    if (stream) createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => line.trim() && onLine(line, isErr));
  }
}
