/** How long a wait may take, and what it waits for (named in the timeout's message). */
export interface WaitOptions {
  timeoutMs?: number;
  what?: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const POLL_INTERVAL_MS = 50;

const optionsOf = (options: number | WaitOptions | undefined): Required<WaitOptions> => {
  const given = typeof options === 'number' ? { timeoutMs: options } : (options ?? {});
  return { timeoutMs: given.timeoutMs ?? DEFAULT_TIMEOUT_MS, what: given.what ?? 'condition' };
};

const shown = (value: unknown): string => {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 2_000 ? `${text.slice(0, 2_000)}…` : text;
};

/**
 * Polls `probe` (state the test cannot be told about: the database, the API, Temporal, a screen) every 50 ms until
 * `done` accepts its value, and returns that value. Fails after `timeoutMs` naming `what` and the last value seen.
 * A probe that throws fails the wait at once.
 */
export async function waitFor<T>(probe: () => Promise<T>, done: (value: T) => boolean, options?: number | WaitOptions): Promise<T> {
  const { timeoutMs, what } = optionsOf(options);
  const deadline = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs}ms; last value: ${shown(last)}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    last = await probe();
  }
  return last;
}

/**
 * State the test is told about when it changes (requests received, output printed): `check` runs now and on every
 * change `subscribe` reports, and the wait ends with its first value that is not undefined. Fails after `timeoutMs`
 * naming `what` and showing `describe()`; `subscribe` returns its unsubscribe.
 */
export function waitUntil<T>(
  check: () => T | undefined,
  subscribe: (changed: () => void) => () => void,
  options: WaitOptions & { describe?: () => unknown } = {},
): Promise<T> {
  const { timeoutMs, what } = optionsOf(options);
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      unsubscribe();
      settle();
    };
    const changed = () => {
      try {
        const value = check();
        if (value !== undefined) finish(() => resolve(value));
      } catch (err) {
        finish(() => reject(err instanceof Error ? err : new Error(String(err))));
      }
    };
    const timer = setTimeout(
      () => finish(() => reject(new Error(`${what} not met within ${timeoutMs}ms${options.describe ? `; now: ${shown(options.describe())}` : ''}`))),
      timeoutMs,
    );
    const unsubscribe = subscribe(changed);
    changed();
  });
}

/** A change to announce: what waitUntil subscribes to. */
export class Changes {
  private readonly listeners = new Set<() => void>();

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
