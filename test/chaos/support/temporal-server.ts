import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection, isGrpcServiceError } from '@temporalio/client';
import { google, grpc } from '@temporalio/proto';
import { LastLines } from '../../../src/lib/last-lines';
import { obtainTemporalServer } from './temporal-server-binaries';
import { allocatePorts, HOST, writeServerConfig } from './temporal-server-config';
import { createTemporalDatabases } from './temporal-server-databases';
import { describeExit, ServerProcess, spawnServerProcess } from './server-process';

/** A running Temporal server (v1.29.1, PostgreSQL persistence and SQL visibility) that a chaos test can stop and start. */
export interface TemporalServerHandle {
  /** host:port of the front-end gRPC service; the same across restarts. */
  address: string;
  namespace: string;
  /** The two databases, `<prefix>_temporal` and `<prefix>_visibility`, kept across restarts. */
  databases: { db: string; visibility: string };
  /** The server process's pid (undefined while stopped). */
  pid(): number | undefined;
  /** SIGTERM, then SIGKILL after 15 s. No-op when already stopped. */
  stop(): Promise<void>;
  /** SIGKILL: a crash. No-op when already stopped. */
  kill(): Promise<void>;
  /** Starts it again on the same ports and databases and waits until it serves the namespace. */
  start(): Promise<void>;
  /** stop() then start(). */
  restart(): Promise<void>;
  /** stop() and remove the config folder for good (the databases stay; drop them with the PostgreSQL server). */
  close(): Promise<void>;
  /** The server's last output lines. */
  logTail(): string;
  /** How long each step of the first start took, in ms (binaries, databases with schemas, server ready, namespace usable). */
  timings: { obtainMs: number; schemaMs: number; readyMs: number; namespaceMs: number };
}

/** Options of startTemporalServer. */
export interface TemporalServerOptions {
  /** postgres://user:pw@host:port/postgres, a superuser URL of the PostgreSQL server to create the databases on. */
  adminUrl: string;
  /** Databases are `<prefix>_temporal` and `<prefix>_visibility`, dropped first if present (default `chaos_<pid>`). */
  databasePrefix?: string;
  /** Registered on the first start (default `default`). */
  namespace?: string;
  /** Receives the obtain script's progress, the schema tool's failures and the server's output (not while it stops). */
  log?: (line: string) => void;
  /** How long each start may take to become ready (default 90 s). */
  readyTimeoutMs?: number;
}

const STOP_GRACE_MS = 15_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const GRPC_NOT_FOUND = 5;
const GRPC_ALREADY_EXISTS = 6;

/**
 * Obtains the binaries (scripts/obtain-temporal-server.sh), creates both databases with their schemas, writes the
 * config, starts the server, registers the namespace and resolves once the namespace can be used.
 */
export async function startTemporalServer(opts: TemporalServerOptions): Promise<TemporalServerHandle> {
  const log = opts.log ?? (() => undefined);
  const namespace = opts.namespace ?? 'default';
  const readyTimeoutMs = opts.readyTimeoutMs ?? 90_000;
  let mark = Date.now();
  const lap = (): number => {
    const [before, now] = [mark, Date.now()];
    mark = now;
    return now - before;
  };
  const binaries = await obtainTemporalServer(log);
  const obtainMs = lap();
  const dbs = await createTemporalDatabases(opts.adminUrl, opts.databasePrefix ?? `chaos_${process.pid}`, binaries.sqlTool, log);
  const schemaMs = lap();
  const ports = await allocatePorts();
  const dir = await mkdtemp(join(tmpdir(), 'plude-temporal-server-'));
  const args = await writeServerConfig(dir, ports, dbs.db, dbs.visibility);
  const address = `${HOST}:${ports.frontendGrpc}`;
  const tail = new LastLines(200);
  let current: ServerProcess | undefined;
  let muted = false; // a stopping server logs a burst of connection errors: kept in the tail, not passed to `log`

  /** Spawns the server and waits until it is ready (for `readyNamespace`, or only the front end when null). */
  const launch = async (readyNamespace: string | null): Promise<ServerProcess> => {
    if (current && !current.exit) throw new Error(`the Temporal server at ${address} is already running`);
    muted = false;
    const proc = spawnServerProcess(binaries.server, args, (line) => {
      tail.push(line);
      if (!muted) log(line);
    });
    current = proc;
    try {
      await waitReady(address, readyNamespace, proc, readyTimeoutMs, tail);
    } catch (err) {
      await proc.kill();
      throw err;
    }
    return proc;
  };
  const start = async (): Promise<void> => void (await launch(namespace));
  const stop = async (): Promise<void> => {
    muted = true;
    await current?.stop(STOP_GRACE_MS);
  };
  const handle: TemporalServerHandle = {
    address,
    namespace,
    databases: { db: dbs.db.database, visibility: dbs.visibility.database },
    pid: () => (current && !current.exit ? current.pid : undefined),
    stop,
    kill: async () => {
      muted = true;
      await current?.kill();
    },
    start,
    restart: async () => {
      await stop();
      await start();
    },
    close: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
    logTail: () => tail.toString(),
    timings: { obtainMs, schemaMs, readyMs: 0, namespaceMs: 0 },
  };
  // The first start waits for the front end only: the namespace does not exist yet.
  try {
    lap();
    const proc = await launch(null);
    handle.timings.readyMs = lap();
    await registerNamespace(address, namespace);
    await waitReady(address, namespace, proc, readyTimeoutMs, tail);
    handle.timings.namespaceMs = lap();
  } catch (err) {
    await handle.kill();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return handle;
}

/** Registers `namespace` (one day of retention); an existing one is fine. */
export async function registerNamespace(address: string, namespace: string): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    await connection.withDeadline(Date.now() + 10_000, () =>
      connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: google.protobuf.Duration.fromObject({ seconds: 86_400 }) }),
    );
  } catch (err) {
    if (!(isGrpcServiceError(err) && (err.code as number) === GRPC_ALREADY_EXISTS)) throw err;
  } finally {
    await connection.close();
  }
}

/**
 * Polls until the server answers: health SERVING and system info (front end up); with a namespace, also
 * describeNamespace, a visibility query, and a lookup of a workflow that does not exist answered with NotFound
 * (history service up and owning that shard). Fails early when the process exits.
 */
export async function waitReady(
  address: string,
  namespace: string | null,
  proc: Pick<ServerProcess, 'exit' | 'exited'>,
  timeoutMs: number,
  tail: LastLines,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no attempt made';
  for (let attempt = 0; ; attempt++) {
    if (proc.exit) throw new Error(`the Temporal server exited before it was ready (${describeExit(proc.exit)}):\n${tail}`);
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new Error(`the Temporal server at ${address} was not ready in ${timeoutMs} ms (${lastError}):\n${tail}`);
    try {
      const probe = probeReady(address, namespace, Math.min(3_000, remaining));
      probe.catch(() => undefined);
      await Promise.race([probe, proc.exited]);
      if (!proc.exit) return;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    await Promise.race([sleep(Math.min(100 * 2 ** attempt, 500)), proc.exited]);
  }
}

async function probeReady(address: string, namespace: string | null, timeoutMs: number): Promise<void> {
  // lazy + ensureConnected so that a failed attempt's channel is closed too
  const connection = Connection.lazy({ address, connectTimeout: timeoutMs });
  const within = <T>(fn: () => Promise<T>): Promise<T> => connection.withDeadline(Date.now() + timeoutMs, fn);
  try {
    await connection.ensureConnected();
    const health = await within(() => connection.healthService.check({ service: 'temporal.api.workflowservice.v1.WorkflowService' }));
    if (health.status !== grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING) throw new Error(`health status ${health.status}`);
    await within(() => connection.workflowService.getSystemInfo({}));
    if (namespace === null) return;
    await within(() => connection.workflowService.describeNamespace({ namespace }));
    await within(() => connection.workflowService.listWorkflowExecutions({ namespace, pageSize: 1 }));
    try {
      await within(() => connection.workflowService.describeWorkflowExecution({ namespace, execution: { workflowId: `readiness-probe-${Date.now()}` } }));
    } catch (err) {
      if (!(isGrpcServiceError(err) && (err.code as number) === GRPC_NOT_FOUND)) throw err;
    }
  } finally {
    await connection.close();
  }
}
