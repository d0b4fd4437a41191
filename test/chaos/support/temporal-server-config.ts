import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** The TCP ports (all on 127.0.0.1) one server process listens on; fixed for its lifetime, restarts included. */
export interface TemporalServerPorts {
  frontendGrpc: number;
  frontendHttp: number;
  frontendMembership: number;
  historyGrpc: number;
  historyMembership: number;
  matchingGrpc: number;
  matchingMembership: number;
  workerGrpc: number;
  workerMembership: number;
}

/** Where and as whom the server reaches one of its two PostgreSQL databases. */
export interface PostgresTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

export const HOST = '127.0.0.1';
/** Few shards: fast start, and every chaos scenario touches all of them. */
export const NUM_HISTORY_SHARDS = 4;
/** The --env name, hence the config file name `<dir>/chaos.yaml`. */
export const CONFIG_ENV = 'chaos';

/**
 * Ports come from 20000-32767, not from the kernel's ephemeral range (bind :0, as freePort does): Temporal stores the
 * membership port in cluster_membership.rpc_port, a PostgreSQL SMALLINT, so a port above 32767 makes every service
 * fail to start ("value … is out of range for type smallint"); and outside the ephemeral range no outgoing
 * connection takes a port while the server is down between stop() and start().
 */
const PORT_RANGE = { min: 20_000, max: 32_767 } as const;

/** True when `port` can be listened on at 127.0.0.1 right now. */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, HOST, () => srv.close(() => resolve(true)));
  });
}

/** `count` distinct ports in PORT_RANGE that were free a moment ago. */
export async function freeServerPorts(count: number): Promise<number[]> {
  const taken = new Set<number>();
  for (let tries = 0; taken.size < count; tries++) {
    if (tries > 1000) throw new Error(`no ${count} free ports in ${PORT_RANGE.min}-${PORT_RANGE.max}`);
    const port = PORT_RANGE.min + Math.floor(Math.random() * (PORT_RANGE.max - PORT_RANGE.min + 1));
    if (!taken.has(port) && (await canListen(port))) taken.add(port);
  }
  return [...taken];
}

/** Nine distinct ports in PORT_RANGE that were free a moment ago. */
export async function allocatePorts(): Promise<TemporalServerPorts> {
  const names: (keyof TemporalServerPorts)[] = [
    'frontendGrpc',
    'frontendHttp',
    'frontendMembership',
    'historyGrpc',
    'historyMembership',
    'matchingGrpc',
    'matchingMembership',
    'workerGrpc',
    'workerMembership',
  ];
  const ports = await freeServerPorts(names.length);
  return Object.fromEntries(names.map((name, i) => [name, ports[i]])) as unknown as TemporalServerPorts;
}

/**
 * Dynamic config, close to what `temporal server start-dev` (src/dev/dev-server.ts) runs with, so the chaos
 * suite exercises the same behaviour the other suites do: one task-queue partition (no partition forwarding),
 * eager activities, and the dev server's raised visibility rate limit (the default 10/s throttles polling tests).
 */
const DYNAMIC_CONFIG: Record<string, unknown> = {
  'system.enableActivityEagerExecution': true,
  'matching.numTaskqueueReadPartitions': 1,
  'matching.numTaskqueueWritePartitions': 1,
  'matching.enableFairness': true,
  'frontend.namespaceRPS.visibility': 100,
  'history.hostLevelCacheMaxSize': 8192,
};

function sqlStore(target: PostgresTarget, maxConns: number): Record<string, unknown> {
  return {
    sql: {
      pluginName: 'postgres12',
      databaseName: target.database,
      connectAddr: `${target.host}:${target.port}`,
      connectProtocol: 'tcp',
      user: target.user,
      password: target.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  };
}

function service(grpcPort: number, membershipPort: number, httpPort?: number): Record<string, unknown> {
  return { rpc: { grpcPort, membershipPort, bindOnLocalHost: true, ...(httpPort ? { httpPort } : {}) } };
}

/** What differs between the config files of one server's processes: the --env name and the shard count. */
export interface ServerConfigOptions {
  /** The --env name, hence the file `<dir>/<env>.yaml` (default CONFIG_ENV). */
  env?: string;
  /** persistence.numHistoryShards (default NUM_HISTORY_SHARDS); every process of one cluster must agree. */
  numHistoryShards?: number;
}

/** The server's static config (config/development-postgres12.yaml trimmed: no metrics, pprof or archival). */
export function serverConfig(
  ports: TemporalServerPorts,
  db: PostgresTarget,
  visibility: PostgresTarget,
  dynamicConfigFile: string,
  numHistoryShards = NUM_HISTORY_SHARDS,
): object {
  return {
    log: { stdout: true, level: 'warn', format: 'console' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards,
      datastores: { 'postgres-default': sqlStore(db, 20), 'postgres-visibility': sqlStore(visibility, 5) },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: HOST } },
    services: {
      frontend: service(ports.frontendGrpc, ports.frontendMembership, ports.frontendHttp),
      history: service(ports.historyGrpc, ports.historyMembership),
      matching: service(ports.matchingGrpc, ports.matchingMembership),
      worker: service(ports.workerGrpc, ports.workerMembership),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: `${HOST}:${ports.frontendGrpc}` },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: dynamicConfigFile, pollInterval: '10s' },
  };
}

/**
 * Writes `<dir>/<env>.yaml` (`chaos.yaml` by default) and `<dir>/dynamic-config.yaml` (as JSON, which YAML parsers read; it also quotes the
 * password safely) and returns the server's arguments: the v1.29 server has no --config-file, it loads
 * `<root>/<config>/<env>.yaml`.
 */
export async function writeServerConfig(
  dir: string,
  ports: TemporalServerPorts,
  db: PostgresTarget,
  visibility: PostgresTarget,
  options: ServerConfigOptions = {},
): Promise<string[]> {
  const env = options.env ?? CONFIG_ENV;
  await mkdir(dir, { recursive: true });
  const dynamicConfigFile = join(dir, 'dynamic-config.yaml');
  const dynamic = Object.fromEntries(Object.entries(DYNAMIC_CONFIG).map(([key, value]) => [key, [{ value, constraints: {} }]]));
  await writeFile(dynamicConfigFile, JSON.stringify(dynamic, null, 2));
  const config = serverConfig(ports, db, visibility, dynamicConfigFile, options.numHistoryShards);
  await writeFile(join(dir, `${env}.yaml`), JSON.stringify(config, null, 2), { mode: 0o600 });
  return ['--root', dir, '--config', '.', '--env', env, '--allow-no-auth', 'start'];
}
