/**
 * Event-driven waiting: a receiver calls `changed()` whenever what it recorded changes, and every pending `waitFor`
 * re-evaluates its predicate then (never on a timer); the timeout only bounds the wait.
 */
export interface WaitOptions {
  /** Rejects after this long; default 10 s. */
  timeoutMs?: number;
  /** What is awaited, for the timeout's message. */
  what?: string;
}

interface Waiter<T> {
  predicate: (state: T) => boolean;
  resolve: (state: T) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class Conditions<T> {
  private waiters = new Set<Waiter<T>>();
  private stopped = false;

  /** `state` is what predicates see; `describe` summarizes it for a timeout's message. */
  constructor(
    private readonly state: () => T,
    private readonly describe: () => string,
  ) {}

  /** Resolves with the state once `predicate` holds (at once if it already does). */
  waitFor(predicate: (state: T) => boolean, options: WaitOptions = {}): Promise<T> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const now = this.state();
    if (predicate(now)) return Promise.resolve(now);
    if (this.stopped) return Promise.reject(new Error(`${options.what ?? 'condition'}: receiver stopped; ${this.describe()}`));
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        predicate,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${options.what ?? 'a condition'}; ${this.describe()}`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** Re-evaluates every pending predicate. A predicate that throws rejects its wait. */
  changed(): void {
    if (this.waiters.size === 0) return;
    const now = this.state();
    for (const waiter of this.waiters) {
      let done: boolean;
      try {
        done = waiter.predicate(now);
      } catch (err) {
        this.settle(waiter);
        waiter.reject(err as Error);
        continue;
      }
      if (done) {
        this.settle(waiter);
        waiter.resolve(now);
      }
    }
  }

  /** Rejects every pending wait: the receiver is gone. */
  stop(): void {
    this.stopped = true;
    for (const waiter of this.waiters) {
      this.settle(waiter);
      waiter.reject(new Error(`receiver stopped while waiting; ${this.describe()}`));
    }
  }

  private settle(waiter: Waiter<T>): void {
    clearTimeout(waiter.timer);
    this.waiters.delete(waiter);
  }
}
