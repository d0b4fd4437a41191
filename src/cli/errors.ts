/** Exit codes: 0 done, 1 failed (the API said no, or could not be reached), 2 the command was used wrongly. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** A failure the user can act on: its message is printed as it is, without a stack. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
  ) {
    super(message);
  }
}

/** A usage error found after parsing: a bad --data, a missing setting. */
export const usageError = (message: string) => new CliError(message, EXIT.usage);

/** The API answered with an error status; `message` is the API's own. */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    readonly apiMessage: string,
  ) {
    super(`HTTP ${status}${code ? ` ${code}` : ''}: ${apiMessage}`);
  }
}
