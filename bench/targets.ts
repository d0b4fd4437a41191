import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { createHttpSender } from '../activities/http/sender';
import { generateSigningSecret, webhookHeaders } from '../src/domain/signature';
import { freePort } from '../src/lib/free-port';
import { ApiClient } from '../test/support/api-client';
import { type BareShape, startBareProcess } from './bare/driver';
import { BenchPublisher } from './publisher';
import type { BenchReceiver } from './receiver';

/** What the load generator drives: one publish per tag, then it waits for the receiver to see that tag. */
export interface Target {
  name: string;
  /** Resolves when the publisher's call returned (202, or the workflow start for a bare baseline). */
  publish(tag: string): Promise<void>;
  /** The processes whose CPU counts as the target's own (the Temporal server is measured apart). */
  pids: number[];
  /** The Temporal workflow ID that delivered `tag`, when there is one. */
  workflowIdOf?(tag: string): Promise<string>;
  stop(): Promise<void>;
}

/** The physical limit without durability: the bench process signs and POSTs directly. */
export function barePost(receiver: BenchReceiver): Target {
  const sender = createHttpSender({ allowPrivateTargets: true, extraCaFiles: [receiver.caFile], responseBodyLimitBytes: 4096, maxConnectionsPerOrigin: 100 });
  const secret = generateSigningSecret();
  const url = receiver.url('/bare-post');
  return {
    name: 'bare signed POST loop (no durability)',
    pids: [],
    async publish(tag) {
      const body = JSON.stringify({ id: tag, type: 'bench.event', createdAt: new Date().toISOString(), environment: 'bench', data: { tag } });
      const headers = webhookHeaders({ msgId: tag, timestampSeconds: Math.floor(Date.now() / 1000), body, secrets: [secret] });
      await sender.send({ url, headers, body, timeoutMs: 10_000 });
    },
    stop: () => sender.close(),
  };
}

export async function bareWorkflow(shape: BareShape, temporalAddress: string, receiver: BenchReceiver): Promise<Target> {
  const bare = await startBareProcess(
    { TEMPORAL_ADDRESS: temporalAddress, NODE_EXTRA_CA_CERTS: receiver.caFile, BARE_SHAPE: shape },
    receiver.url(`/bare-${shape}`),
  );
  return {
    name: shape === 'local' ? 'bare workflow, first attempt local' : 'bare workflow, one regular activity',
    pids: [bare.pid],
    publish: (tag) => bare.publish(tag),
    workflowIdOf: async (tag) => tag,
    stop: () => bare.stop(),
  };
}

interface Child {
  pid: number;
  stop(): Promise<void>;
}

const ROLE_SCRIPTS = { main: 'start', api: 'start:api', worker: 'start:worker' } as const;

/**
 * How package.json's script for a role starts it (`npm start`: `[NAME=value …] node <options> dist/src/main.js`): its
 * environment assignments and node options, so that the bench measures the process as `npm start` runs it.
 */
function scriptOf(role: keyof typeof ROLE_SCRIPTS): { env: Record<string, string>; nodeArgs: string[] } {
  const { scripts } = JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as { scripts: Record<string, string> };
  const words = scripts[ROLE_SCRIPTS[role]].split(/\s+/);
  const node = words.indexOf('node');
  const script = words.indexOf(`dist/src/${role}.js`);
  const assignments = words.slice(0, Math.max(node, 0)).map((word) => /^([A-Z_][A-Z0-9_]*)=(\S*)$/.exec(word));
  if (node < 0 || script < node || assignments.some((a) => a === null))
    throw new Error(`package.json's ${ROLE_SCRIPTS[role]} script is not \`[NAME=value …] node [options] dist/src/${role}.js\``);
  return { env: Object.fromEntries(assignments.map((a) => [a![1], a![2]])), nodeArgs: words.slice(node + 1, script) };
}

/**
 * A built role (`dist/src/<role>.js`) in its own process, with the environment and node options of its npm script, then
 * BENCH_APP_NODE_ARGS; ready once `readyLine` appears on its output.
 */
async function startRole(role: keyof typeof ROLE_SCRIPTS, env: Record<string, string>, readyLine: string): Promise<Child> {
  const main = path.resolve(__dirname, `../../dist/src/${role}.js`);
  const script = scriptOf(role);
  const nodeArgs = [...script.nodeArgs, ...(process.env.BENCH_APP_NODE_ARGS ?? '').split(' ').filter(Boolean)];
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, main], {
    env: { ...process.env, ...script.env, ...env, HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = once(child, 'exit');
  // BENCH_APP_OUTPUT: the processes' output is appended to that file (e.g. their spans with OTEL_TRACES_EXPORTER=console).
  if (process.env.BENCH_APP_OUTPUT) {
    const file = createWriteStream(process.env.BENCH_APP_OUTPUT, { flags: 'a' });
    child.stdout!.pipe(file);
    child.stderr!.pipe(file);
  }
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes(readyLine)) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(([code]) => reject(new Error(`${role} exited with ${code} before it was ready:\n${output}`)));
  });
  return {
    pid: child.pid as number,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface PludeOptions {
  temporalAddress: string;
  databaseUrl: string;
  receiver: BenchReceiver;
  /** `combined`: `npm start`'s process; `split`: `start:api` plus `workers` × `start:worker`. */
  topology: 'combined' | 'split';
  workers?: number;
  /** More settings for the processes (e.g. DELIVERY_FIRST_ATTEMPT). */
  env?: Record<string, string>;
  name?: string;
}

const ADMIN_TOKEN = 'bench-admin-token-0123456789';
/** The bench's environment tokens both subscribe and publish (an integrator's token alone may not publish). */
export const BENCH_TOKEN_SCOPES = { scopes: ['subscriptions', 'publish'] };

/** plude-webhooks as users run it, with one environment `bench` subscribed to the receiver. */
export async function plude(options: PludeOptions): Promise<Target & { api: ApiClient; admin: ApiClient; subscriptionId: string }> {
  const port = await freePort();
  const env = {
    DATABASE_URL: options.databaseUrl,
    TEMPORAL_ADDRESS: options.temporalAddress,
    ADMIN_TOKEN,
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ALLOW_PRIVATE_TARGETS: 'true',
    // The bench publishes as fast as it can with one token: it measures deliveries, not the API's rate limit.
    RATE_LIMIT: 'off',
    NODE_EXTRA_CA_CERTS: options.receiver.caFile,
    PORT: String(port),
    LOG_LEVEL: 'log',
    ...options.env,
  };
  const children: Child[] = [];
  try {
    if (options.topology === 'combined') {
      children.push(await startRole('main', { ...env, LOG_LEVEL: 'warn' }, 'is ready'));
    } else {
      children.push(await startRole('api', env, 'listening on'));
      // Each worker alone serves its health and metrics on a port of its own.
      for (let i = 0; i < (options.workers ?? 2); i++)
        children.push(await startRole('worker', { ...env, WORKER_PORT: String(await freePort()) }, 'polling task queue'));
    }
  } catch (err) {
    for (const child of children) await child.stop();
    throw err;
  }
  const admin = new ApiClient(`http://127.0.0.1:${port}`, { token: ADMIN_TOKEN });
  await admin.request('POST', '/admin/environments', { id: 'bench' });
  const { body } = await admin.request('POST', '/admin/environments/bench/tokens', BENCH_TOKEN_SCOPES);
  const api = new ApiClient(admin.baseUrl, { token: body.token, environment: 'bench', version: '2022-03' });
  const subscribed = await api.subscribe(options.receiver.url(`/plude-${options.topology}`));
  const publisher = new BenchPublisher(admin.baseUrl, { token: body.token, environment: 'bench', version: '2022-03' });
  const events = new Map<string, string>();
  return {
    name: options.name ?? (options.topology === 'combined' ? 'plude-webhooks (npm start)' : `plude-webhooks (api + ${options.workers ?? 2} workers)`),
    pids: children.map((c) => c.pid),
    api,
    admin,
    subscriptionId: subscribed.body.id as string,
    async publish(tag) {
      const response = await publisher.publish('bench.event', { tag });
      if (response.status !== 202 || typeof response.body.id !== 'string')
        throw new Error(`publish answered ${response.status}: ${JSON.stringify(response.body)}`);
      events.set(tag, response.body.id);
    },
    async workflowIdOf(tag) {
      const event = await api.request('GET', `/events/${events.get(tag)}`);
      return event.body.notifications[0].id as string;
    },
    async stop() {
      await publisher.close();
      for (const child of children.reverse()) await child.stop();
    },
  };
}
