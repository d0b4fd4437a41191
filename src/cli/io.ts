/** What a run of the command-line tool may touch: its output, its environment, and the user's Ctrl-C. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Environment variables (PLUDE_URL, PLUDE_TOKEN, PLUDE_ENVIRONMENT, PLUDE_ADMIN_TOKEN, DATA_DIR). */
  env: Record<string, string | undefined>;
  /** Where a relative DATA_DIR is found. */
  cwd: string;
  /** stdout is a terminal: progress is redrawn in place. */
  isTTY: boolean;
  /** Calls `handler` on Ctrl-C (SIGINT) or SIGTERM, until the returned function is called. */
  onInterrupt(handler: () => void): () => void;
}

/** The real process's input and output. */
export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    isTTY: process.stdout.isTTY === true,
    onInterrupt(handler) {
      process.on('SIGINT', handler);
      process.on('SIGTERM', handler);
      return () => {
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
      };
    },
  };
}
