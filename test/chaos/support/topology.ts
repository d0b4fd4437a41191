import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { startEmbeddedPostgres } from '../../../src/dev/embedded-postgres';
import { freePort } from '../../../src/lib/free-port';
import { ApiClient } from '../../support/api-client';
import { createScratchDatabase, type ScratchDatabase } from '../../support/scratch-database';
import { ADMIN_TOKEN, ENCRYPTION_KEY } from '../../support/test-app';
import { type Role, ServiceProcess } from './service-process';
import { startTemporalServer, type TemporalServerHandle } from './temporal-server';
import { startTemporalCluster, type TemporalClusterHandle } from './temporal-cluster';

export interface TopologyOptions {
  /** The CA file the receivers' certificates chain to (NODE_EXTRA_CA_CERTS of every process). */
  caFile: string;
  apis?: number;
  workers?: number;
  /** Settings for every process, over the topology's defaults. */
  env?: Record<string, string>;
  /** A PostgreSQL server of the case's own for the service's database, which the case may stop and start. */
  ownPostgres?: boolean;
  /** A Temporal server of the case's own (on the suite's PostgreSQL), which the case may restart. */
  ownTemporal?: boolean;
  /** Temporal as a cluster of the case's own (on the suite's PostgreSQL): one process per service, two history hosts. */
  temporalCluster?: boolean;
  /**
   * Every process starts at the same moment on the empty database, as `docker compose up` starts them (U2, and the
   * default: the migrations' advisory lock makes it safe); false: the first API applies the migrations alone first.
   */
  together?: boolean;
}

export interface ChaosEnvironment {
  id: string;
  token: string;
  /** One client per API process, same token: a case spreads its requests over them. */
  clients: ApiClient[];
  /** Likewise, with a service token of this environment alone (publish, catalog): to declare event types. */
  catalog: ApiClient[];
}

/** The service's own PostgreSQL when a case asked for one: stop() and start() are the outage. */
export interface OwnPostgres {
  stop(): Promise<void>;
  start(): Promise<void>;
}

export interface Topology {
  apis: ServiceProcess[];
  workers: ServiceProcess[];
  /** Every process started, those of addProcess() too. */
  processes: ServiceProcess[];
  /** The service's database, for the checks (a pool of 4; it reconnects after an outage). */
  db: Pool;
  admin: ApiClient;
  postgres?: OwnPostgres;
  temporal?: TemporalServerHandle;
  cluster?: TemporalClusterHandle;
  taskQueue: string;
  newEnvironment(options?: { allowPrivateTargets?: boolean }): Promise<ChaosEnvironment>;
  /** One more process of the deployment, with settings of its own over the shared ones, of another build if given. */
  addProcess(role: Role, env?: Record<string, string>, buildRoot?: string): Promise<ServiceProcess>;
  stop(): Promise<void>;
}

/** The suite's PostgreSQL and Temporal server (test/chaos/support/global-setup.ts). */
function suiteSetting(name: 'CHAOS_PG_ADMIN_URL' | 'CHAOS_TEMPORAL_ADDRESS'): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the chaos suite with \`npm run test:chaos\``);
  return value;
}

/** Defaults of the chaos deployment: short retries (1 s, the dev floor is irrelevant here), 5 s attempts. */
const DEFAULTS: Record<string, string> = {
  HOST: '127.0.0.1',
  RETRY_INITIAL_INTERVAL: '1s',
  RETRY_MAX_INTERVAL: '2s',
  DELIVERY_TIMEOUT: '5s',
  DISPATCH_RECOVERY_INTERVAL: '2s',
  RATE_LIMIT: '0',
  LOG_LEVEL: 'log',
  LOG_FORMAT: 'json',
};

async function ownPostgres(log: (line: string) => void): Promise<{ adminUrl: string; control: OwnPostgres; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'plude-chaos-pg-'));
  await chmod(dir, 0o711);
  const port = await freePort();
  const settings = { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '300' }; // as the suite's
  let server = await startEmbeddedPostgres({ dataDir: dir, port, log, settings });
  let running = true;
  const adminUrl = new URL(server.url);
  adminUrl.pathname = '/postgres';
  const control: OwnPostgres = {
    async stop() {
      if (running) await server.stop();
      running = false;
    },
    async start() {
      if (!running) server = await startEmbeddedPostgres({ dataDir: dir, port, log, settings });
      running = true;
    },
  };
  return {
    adminUrl: adminUrl.toString(),
    control,
    async remove() {
      await control.stop().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The deployment users run in production, made of real processes: `apis` × start:api and `workers` × start:worker
 * (2 and 2 by default) on one database and one task queue of a PostgreSQL-backed Temporal server.
 */
export async function startTopology(options: TopologyOptions): Promise<Topology> {
  const undo: (() => Promise<unknown>)[] = [];
  const log = () => undefined;
  try {
    let adminUrl = suiteSetting('CHAOS_PG_ADMIN_URL');
    let postgres: OwnPostgres | undefined;
    if (options.ownPostgres) {
      const own = await ownPostgres(log);
      undo.push(() => own.remove());
      adminUrl = own.adminUrl;
      postgres = own.control;
    }
    const database: ScratchDatabase = await createScratchDatabase(adminUrl, 'plude_chaos');
    undo.push(() => database.drop().catch(() => undefined));
    let temporal: TemporalServerHandle | undefined;
    let temporalAddress = suiteSetting('CHAOS_TEMPORAL_ADDRESS');
    if (options.ownTemporal) {
      temporal = await startTemporalServer({ adminUrl: suiteSetting('CHAOS_PG_ADMIN_URL'), databasePrefix: `chaos_${randomBytes(3).toString('hex')}` });
      undo.push(() => temporal!.close());
      temporalAddress = temporal.address;
    }
    let cluster: TemporalClusterHandle | undefined;
    if (options.temporalCluster) {
      cluster = await startTemporalCluster({ adminUrl: suiteSetting('CHAOS_PG_ADMIN_URL'), databasePrefix: `chaos_${randomBytes(3).toString('hex')}` });
      undo.push(() => cluster!.close());
      temporalAddress = cluster.address;
    }
    const taskQueue = `chaos-${randomBytes(4).toString('hex')}`;
    const shared: Record<string, string> = {
      ...DEFAULTS,
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_TASK_QUEUE: taskQueue,
      ADMIN_TOKEN,
      ENCRYPTION_KEY,
      NODE_EXTRA_CA_CERTS: options.caFile,
      ...options.env,
    };
    const processes: ServiceProcess[] = [];
    undo.push(() => Promise.all(processes.map((p) => p.stop('SIGKILL'))));
    const count: Record<Role, number> = { api: 0, worker: 0 };
    const addProcess = async (role: Role, env: Record<string, string> = {}, buildRoot?: string) => {
      const process = new ServiceProcess(`${role}-${++count[role]}`, role, await freePort(), { ...shared, ...env }, buildRoot);
      processes.push(process);
      await process.start();
      return process;
    };
    const first = (options.together ?? true) ? [] : [await addProcess('api')];
    const rest = await Promise.all([
      ...Array.from({ length: (options.apis ?? 2) - first.length }, () => addProcess('api')),
      ...Array.from({ length: options.workers ?? 2 }, () => addProcess('worker')),
    ]);
    const apis = [...first, ...rest.filter((p) => p.role === 'api')];
    const workers = rest.filter((p) => p.role === 'worker');
    const db = new Pool({ connectionString: database.url, max: 4 });
    db.on('error', () => undefined); // an outage case stops the server under it
    undo.push(() => db.end());
    const admin = new ApiClient(apis[0].url, { token: ADMIN_TOKEN });

    return {
      apis,
      workers,
      processes,
      db,
      admin,
      postgres,
      temporal,
      cluster,
      taskQueue,
      addProcess,
      async newEnvironment({ allowPrivateTargets = true } = {}) {
        const id = `env-${randomBytes(5).toString('hex')}`;
        const created = await admin.request('POST', '/admin/environments', { id, allowPrivateTargets });
        if (created.status !== 201) throw new Error(`environment not created: ${JSON.stringify(created.body)}`);
        // A token that subscribes and publishes (as tokens issued before scopes do), and a service token of this
        // environment alone that declares event types (`catalog`: one client per API process, like `clients`).
        const issued = await admin.request('POST', `/admin/environments/${id}/tokens`, { scopes: ['subscriptions', 'publish'] });
        const token = issued.body.token as string;
        const service = await admin.request('POST', '/admin/tokens', { name: `chaos ${id}`, scopes: ['publish', 'catalog'], environments: [id] });
        const serviceToken = service.body.token as string;
        return {
          id,
          token,
          clients: apis.map((api) => new ApiClient(api.url, { token, environment: id, version: '2022-03' })),
          catalog: apis.map((api) => new ApiClient(api.url, { token: serviceToken, environment: id, version: '2022-03' })),
        };
      },
      async stop() {
        for (const step of undo.reverse()) await step().catch(() => undefined);
      },
    };
  } catch (err) {
    for (const step of undo.reverse()) await step().catch(() => undefined);
    throw err;
  }
}
