import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT } from '../../support/built';

export type Role = 'api' | 'worker';

/** The entry point of a role in a build (this repository's, or a second build's root: test/chaos/support/changed-build.ts). */
const entryOf = (role: Role, root: string): string => path.join(root, 'dist', 'src', `${role}.js`);

/**
 * One `npm run start:api` or `npm run start:worker` process (run as `node dist/src/<role>.js`, what those scripts
 * run), with every line it prints kept for the case that wants to read them (A3 reads all of them).
 */
export class ServiceProcess {
  /** Every line the process (and its earlier lives) printed, stdout and stderr. */
  readonly lines: string[] = [];
  private child: ChildProcess | null = null;
  private exited: Promise<number | null> = Promise.resolve(null);
  private expectExit = false;

  constructor(
    readonly name: string,
    readonly role: Role,
    /** The port its HTTP server listens on: the API, or the worker's health and metrics. */
    readonly port: number,
    private readonly env: Record<string, string>,
    /** Whose build runs: this repository's by default. */
    readonly buildRoot: string = ROOT,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the process and resolves once its HTTP server answers /health/ready with 200. */
  async start(timeoutMs = 60_000): Promise<void> {
    if (this.running) throw new Error(`${this.name} is already running`);
    const portVariable = this.role === 'api' ? 'PORT' : 'WORKER_PORT';
    const child = spawn(process.execPath, [entryOf(this.role, this.buildRoot)], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...this.env, [portVariable]: String(this.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.expectExit = false;
    this.exited = once(child, 'exit').then(([code, signal]) => {
      // A process that dies on its own is a finding: say so, with its last lines, whatever the case asserts.
      if (!this.expectExit) process.stderr.write(`[chaos] ${this.name} exited by itself (code ${code}, signal ${signal}):\n${this.tail(80)}\n`);
      return code as number | null;
    });
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => this.lines.push(line));
    }
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.name} exited during start-up:\n${this.tail()}`);
      if (await this.ready()) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${this.name} was not ready within ${timeoutMs} ms:\n${this.tail()}`);
  }

  /** Whether /health/ready answers 200 now. */
  async ready(): Promise<boolean> {
    try {
      const response = await fetch(`${this.url}/health/ready`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      return response.status === 200;
    } catch {
      return false;
    }
  }

  /** Sends `signal` and resolves with the exit code once the process has exited (null when killed by a signal). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (!this.running) return this.exited;
    this.expectExit = true;
    this.child!.kill(signal);
    return this.exited;
  }

  /** `kill -9`. */
  kill(): Promise<number | null> {
    return this.stop('SIGKILL');
  }

  /** Resident memory now and at its peak since the process started (VmRSS, VmHWM), in MiB. */
  memory(): { rssMiB: number; peakMiB: number } {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
  }

  /** Its last lines, for a failure's message. */
  tail(count = 40): string {
    return this.lines.slice(-count).join('\n');
  }
}
