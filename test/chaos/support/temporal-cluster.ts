import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { LastLines } from '../../../src/lib/last-lines';
import { obtainTemporalServer } from './temporal-server-binaries';
import { freeServerPorts, HOST, type TemporalServerPorts, writeServerConfig } from './temporal-server-config';
import { createTemporalDatabases } from './temporal-server-databases';
import { registerNamespace, waitReady } from './temporal-server';
import { type ServerProcess, spawnServerProcess } from './server-process';

/** One `temporal-server start --service=…` process of the cluster. */
export interface ClusterMember {
  /** frontend, matching, worker, history-1 or history-2. */
  readonly name: string;
  /** The Temporal service it runs. */
  readonly service: 'frontend' | 'matching' | 'worker' | 'history';
  /** host:port of its gRPC service; a history host's shard owner name in the shards table. */
  readonly address: string;
  /** Its pid (undefined while it is not running). */
  pid(): number | undefined;
  /** SIGKILL: a crash. Resolves once it has ended. */
  kill(): Promise<void>;
  /** Starts it again on the same ports and config (it joins the ring again on its own). */
  start(): void;
}

/**
 * A Temporal server v1.29.1 run as a cluster on this machine, as production runs it on several: one process per
 * service (frontend, matching, worker) and two history hosts, each on its own gRPC and membership ports, sharing one
 * PostgreSQL persistence and visibility, finding each other through the cluster_membership table.
 */
export interface TemporalClusterHandle {
  /** host:port of the front end. */
  address: string;
  namespace: string;
  numHistoryShards: number;
  frontend: ClusterMember;
  matching: ClusterMember;
  worker: ClusterMember;
  history: [ClusterMember, ClusterMember];
  /** Every process, frontend first. */
  members: ClusterMember[];
  /** The history host that owns each shard now, from the shards table (owner names are ClusterMember.address). */
  shardOwners(): Promise<Map<number, string>>;
  /** The shard of each given workflow that the cluster knows (current_executions). */
  shardsOf(workflowIds: string[]): Promise<Map<string, number>>;
  /** Every process's last output lines, by process. */
  logTail(): string;
  /** Kills every process and removes the config folder (the databases stay; they go with the PostgreSQL server). */
  close(): Promise<void>;
}

export interface TemporalClusterOptions {
  /** postgres://user:pw@host:port/postgres, a superuser URL of the PostgreSQL server to create the databases on. */
  adminUrl: string;
  /** Databases `<prefix>_temporal` and `<prefix>_visibility`, dropped first if present. */
  databasePrefix: string;
  /** Default 8: more shards than history hosts, so that shards have somewhere to move. */
  numHistoryShards?: number;
  namespace?: string;
  /** How long the cluster may take to serve the namespace with both history hosts owning shards (default 120 s). */
  readyTimeoutMs?: number;
}

/** The wire form of ShardInfo.owner in the shards table's data: the owner's host:port is a plain string in it. */
function ownerIn(data: Buffer, addresses: string[]): string | undefined {
  const text = data.toString('latin1');
  return addresses.find((address) => text.includes(address));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Creates the databases, writes one config file per process (the history hosts' differ in their ports), starts the
 * front end, then the four other processes at once, registers the namespace, and resolves once the namespace is
 * served and every shard is owned, some by each history host.
 */
export async function startTemporalCluster(opts: TemporalClusterOptions): Promise<TemporalClusterHandle> {
  const namespace = opts.namespace ?? 'default';
  const numHistoryShards = opts.numHistoryShards ?? 8;
  const readyTimeoutMs = opts.readyTimeoutMs ?? 120_000;
  const binaries = await obtainTemporalServer(() => undefined);
  const dbs = await createTemporalDatabases(opts.adminUrl, opts.databasePrefix, binaries.sqlTool, () => undefined);
  const [frontendGrpc, frontendHttp, frontendMembership, matchingGrpc, matchingMembership, workerGrpc, workerMembership, ...history] =
    await freeServerPorts(11);
  const base: Omit<TemporalServerPorts, 'historyGrpc' | 'historyMembership'> = {
    frontendGrpc,
    frontendHttp,
    frontendMembership,
    matchingGrpc,
    matchingMembership,
    workerGrpc,
    workerMembership,
  };
  const dir = await mkdtemp(join(tmpdir(), 'plude-temporal-cluster-'));
  const tail = new LastLines(300);
  const running = new Map<string, ServerProcess>();

  const member = async (name: string, service: ClusterMember['service'], grpc: number, historyPorts: [number, number]): Promise<ClusterMember> => {
    const ports: TemporalServerPorts = { ...base, historyGrpc: historyPorts[0], historyMembership: historyPorts[1] };
    const args = [...(await writeServerConfig(dir, ports, dbs.db, dbs.visibility, { env: name, numHistoryShards })), '--service', service];
    const spawnIt = () => {
      const current = running.get(name);
      if (current && !current.exit) throw new Error(`${name} is already running`);
      running.set(
        name,
        spawnServerProcess(binaries.server, args, (line) => tail.push(`[${name}] ${line}`)),
      );
    };
    return {
      name,
      service,
      address: `${HOST}:${grpc}`,
      pid: () => {
        const current = running.get(name);
        return current && !current.exit ? current.pid : undefined;
      },
      kill: async () => void (await running.get(name)?.kill()),
      start: spawnIt,
    };
  };

  const pool = new Pool({ ...dbs.db, max: 1 });
  pool.on('error', () => undefined);
  const close = async () => {
    await Promise.all([...running.values()].map((p) => p.kill()));
    await pool.end().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const h1 = [history[0], history[1]] as [number, number];
    const h2 = [history[2], history[3]] as [number, number];
    const frontend = await member('frontend', 'frontend', frontendGrpc, h1);
    const matching = await member('matching', 'matching', matchingGrpc, h1);
    const worker = await member('worker', 'worker', workerGrpc, h1);
    const historyHosts: [ClusterMember, ClusterMember] = [await member('history-1', 'history', h1[0], h1), await member('history-2', 'history', h2[0], h2)];
    const members = [frontend, matching, worker, ...historyHosts];
    // The first process writes the cluster's metadata record; several writing it at once on the empty database
    // all but one exit ("Failed to apply cluster metadata"). So the front end starts alone until the record exists.
    frontend.start();
    const deadline = Date.now() + readyTimeoutMs;
    // A member finds the others through the rows of cluster_membership (its membership port in rpc_port). Started
    // before any row is there, two history hosts can each form a ring of their own and never take shards from each
    // other (seen once in CI: 8 shards, all on one host, for 120 s). So the front end comes first, with its cluster
    // metadata and its row; then matching, the worker and the first history host; the second once the first has its
    // row, so that it joins the first's ring and takes its share of the shards.
    const untilListed = async (m: ClusterMember, what: string, listed: () => Promise<boolean>) => {
      while (!(await listed())) {
        const exit = running.get(m.name)?.exit;
        if (exit) throw new Error(`Temporal's ${m.name} exited before it was ready:\n${tail}`);
        if (Date.now() > deadline) throw new Error(`Temporal's ${m.name} ${what} in ${readyTimeoutMs} ms:\n${tail}`);
        await sleep(100);
      }
    };
    const hasRows = async (sql: string, parameters: unknown[] = []) => (await pool.query(sql, parameters)).rows.length > 0;
    const inMembership = (port: number) => () => hasRows('SELECT 1 FROM cluster_membership WHERE rpc_port = $1 LIMIT 1', [port]);
    await untilListed(frontend, 'wrote no cluster metadata', () => hasRows('SELECT 1 FROM cluster_metadata_info LIMIT 1'));
    await untilListed(frontend, 'had no row in cluster_membership', inMembership(frontendMembership));
    for (const m of [matching, worker, historyHosts[0]]) m.start();
    await untilListed(historyHosts[0], 'had no row in cluster_membership', inMembership(h1[1]));
    historyHosts[1].start();
    const anyExit = {
      get exit() {
        return [...running.values()].find((p) => p.exit)?.exit;
      },
      exited: Promise.race([...running.values()].map((p) => p.exited)),
    };
    const address = `${HOST}:${frontendGrpc}`;
    await waitReady(address, null, anyExit, Math.max(deadline - Date.now(), 1_000), tail);
    await registerNamespace(address, namespace);
    await waitReady(address, namespace, anyExit, Math.max(deadline - Date.now(), 1_000), tail);

    const shardOwners = async () => {
      const { rows } = await pool.query<{ shard_id: number; data: Buffer }>('SELECT shard_id, data FROM shards');
      const addresses = historyHosts.map((h) => h.address);
      const owners = new Map<number, string>();
      for (const row of rows) {
        const owner = ownerIn(row.data, addresses);
        if (owner) owners.set(row.shard_id, owner);
      }
      return owners;
    };
    const shardsOf = async (workflowIds: string[]) => {
      const { rows } = await pool.query<{ workflow_id: string; shard_id: number }>(
        'SELECT workflow_id, shard_id FROM current_executions WHERE workflow_id = ANY($1)',
        [workflowIds],
      );
      return new Map(rows.map((r) => [r.workflow_id, r.shard_id]));
    };
    // Ready: every shard taken, and both hosts own some (the second host to join takes its share from the first).
    for (;;) {
      const owners = await shardOwners();
      if (owners.size === numHistoryShards && new Set(owners.values()).size === 2) break;
      if (anyExit.exit) throw new Error(`a Temporal cluster process exited before it was ready:\n${tail}`);
      if (Date.now() > deadline) throw new Error(`the shards were not spread over both history hosts in ${readyTimeoutMs} ms (${owners.size} owned):\n${tail}`);
      await sleep(250);
    }
    return {
      address,
      namespace,
      numHistoryShards,
      frontend,
      matching,
      worker,
      history: historyHosts,
      members,
      shardOwners,
      shardsOf,
      logTail: () => tail.toString(),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
