import type { CliIo } from '../../src/cli/io';
import { run } from '../../src/cli/program';
import { Changes, waitUntil } from './wait';

export interface CliOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  isTTY?: boolean;
}

/** A command line running in this process: its output so far, a Ctrl-C to press, and its exit code to come. */
export interface RunningCli {
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves with stdout once `pattern` appears in it; fails after `timeoutMs` showing what was printed. */
  printed(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Ctrl-C. */
  interrupt(): void;
  exitCode: Promise<number>;
}

export function startCli(argv: string[], options: CliOptions = {}): RunningCli {
  let stdout = '';
  let stderr = '';
  const changes = new Changes();
  const interruptHandlers = new Set<() => void>();
  const notify = () => changes.notify();
  const io: CliIo = {
    stdout: (text) => ((stdout += text), notify()),
    stderr: (text) => ((stderr += text), notify()),
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    isTTY: options.isTTY ?? false,
    onInterrupt(handler) {
      interruptHandlers.add(handler);
      return () => interruptHandlers.delete(handler);
    },
  };
  const exitCode = run(argv, io);
  let ended = false;
  void exitCode.finally(() => ((ended = true), notify()));
  return {
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    printed(pattern, timeoutMs = 20_000) {
      return waitUntil(
        () => {
          if (pattern.test(stdout)) return stdout;
          if (ended) throw new Error(`plude ${argv.join(' ')} ended without printing ${pattern}:\n${stdout}\n${stderr}`);
          return undefined;
        },
        changes.subscribe,
        { timeoutMs, what: `${pattern} printed`, describe: () => `${stdout}\n${stderr}` },
      );
    },
    interrupt: () => [...interruptHandlers].forEach((handler) => handler()),
    exitCode,
  };
}

/** Runs a command line to its end. */
export async function runCli(argv: string[], options: CliOptions = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const running = startCli(argv, options);
  const code = await running.exitCode;
  return { code, stdout: running.stdout, stderr: running.stderr };
}
