/** Work refused because the slots were closed before it got one (shutdown). */
export class SlotsClosedError extends Error {
  override readonly name = 'SlotsClosedError';
}

/**
 * At most `size` holders at a time; the others wait in order of arrival. A free slot is taken synchronously and the
 * work begins in the caller's turn: a caller that finds one never yields before its work has begun.
 */
export class Slots {
  private held = 0;
  private closed = false;
  private readonly queue: { grant: () => void; refuse: (err: Error) => void }[] = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`slots: size must be a positive integer, got ${size}`);
  }

  /** How many callers wait for a slot now. */
  get waiting(): number {
    return this.queue.length;
  }

  /** True when every slot is held: a caller now would wait. */
  get full(): boolean {
    return this.held >= this.size;
  }

  /** True when nobody holds or waits for a slot. */
  get idle(): boolean {
    return this.held === 0 && this.queue.length === 0;
  }

  /** Runs `work` once a slot is free (at once, before returning, when one is), and frees it when `work` settles. */
  run<T>(work: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new SlotsClosedError('not started: shutting down'));
    if (this.held < this.size) {
      this.held++;
      return this.hold(work);
    }
    return new Promise<void>((grant, refuse) => this.queue.push({ grant, refuse })).then(() => this.hold(work));
  }

  /** Refuses every waiter and every later caller with a SlotsClosedError; holders keep their slots. Returns how many waited. */
  close(): number {
    this.closed = true;
    const refused = this.queue.splice(0);
    for (const waiter of refused) waiter.refuse(new SlotsClosedError('not started: shutting down'));
    return refused.length;
  }

  /** Runs `work` in a slot already taken, and frees it when `work` settles. */
  private async hold<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  private release(): void {
    const next = this.queue.shift();
    if (next)
      next.grant(); // the slot passes straight to the next waiter
    else this.held--;
  }
}
