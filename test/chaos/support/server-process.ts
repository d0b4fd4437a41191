import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** How a child process ended: its exit code or signal, or why it could not be started. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  spawnError?: Error;
}

/** A running child process whose output is delivered line by line. */
export interface ServerProcess {
  pid: number | undefined;
  /** Resolves when the process has ended (or failed to start). */
  exited: Promise<ProcessExit>;
  /** Set once the process has ended. */
  exit: ProcessExit | undefined;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has ended. */
  stop(graceMs: number): Promise<ProcessExit>;
  /** SIGKILL; resolves once it has ended. */
  kill(): Promise<ProcessExit>;
}

/**
 * On Linux, `setpriv --pdeathsig KILL` (util-linux; it execs, so the pid stays the server's) makes the kernel end the
 * server even when the test process dies without running exit handlers; a process.on('exit') hook covers the rest.
 */
function withParentDeathSignal(cmd: string, args: string[]): [string, string[]] {
  const setpriv = '/usr/bin/setpriv';
  if (process.platform !== 'linux' || !existsSync(setpriv)) return [cmd, args];
  return [setpriv, ['--pdeathsig', 'KILL', '--', cmd, ...args]];
}

/** Starts `cmd args`, passing each non-empty stdout/stderr line to `onLine`. */
export function spawnServerProcess(cmd: string, args: string[], onLine: (line: string) => void): ServerProcess {
  const [file, fullArgs] = withParentDeathSignal(cmd, args);
  const child = spawn(file, fullArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.on('exit', killOnExit);
  const handle: ServerProcess = {
    pid: child.pid,
    exit: undefined,
    exited: new Promise<ProcessExit>((resolve) => {
      const done = (exit: ProcessExit): void => {
        if (handle.exit) return;
        handle.exit = exit;
        process.removeListener('exit', killOnExit);
        resolve(exit);
      };
      child.once('close', (code, signal) => done({ code, signal }));
      child.once('error', (spawnError) => done({ code: null, signal: null, spawnError }));
    }),
    async stop(graceMs) {
      if (handle.exit) return handle.exit;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await handle.exited;
      } finally {
        clearTimeout(timer);
      }
    },
    async kill() {
      if (!handle.exit) child.kill('SIGKILL');
      return handle.exited;
    },
  };
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => line.trim() && onLine(line));
  }
  return handle;
}

/** "exit code 1" / "signal SIGKILL" / "spawn error: …", for error messages. */
export function describeExit(exit: ProcessExit): string {
  if (exit.spawnError) return `could not start: ${exit.spawnError.message}`;
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}
