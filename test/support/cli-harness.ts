import type { CliIo } from '../../src/cli/io';
import { run } from '../../src/cli/program';

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
  const watchers = new Set<() => void>();
  const interruptHandlers = new Set<() => void>();
  const notify = () => watchers.forEach((watch) => watch());
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
      return new Promise((resolve, reject) => {
        const check = () => {
          if (pattern.test(stdout)) return finish(() => resolve(stdout));
          if (ended) return finish(() => reject(new Error(`plude ${argv.join(' ')} ended without printing ${pattern}:\n${stdout}\n${stderr}`)));
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`${pattern} not printed within ${timeoutMs}ms:\n${stdout}\n${stderr}`))), timeoutMs);
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          watchers.delete(check);
          settle();
        };
        watchers.add(check);
        check();
      });
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
