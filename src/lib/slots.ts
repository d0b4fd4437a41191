/** Work refused because the slots were closed before it got one (shutdown). */
export class SlotsClosedError extends Error {
  override readonly name = 'SlotsClosedError';
}

/**
 * At most `size` holders at a time; the others wait in order of arrival. A free slot is taken synchronously, so a
 * caller that finds one never yields before holding it.
 */
export class Slots {
  private held = 0;
  private closed = false;
  private readonly waiting: { grant: () => void; refuse: (err: Error) => void }[] = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`slots: size must be a positive integer, got ${size}`);
  }

  /** True when nobody holds or waits for a slot. */
  get idle(): boolean {
    return this.held === 0 && this.waiting.length === 0;
  }

  /** Runs `work` once a slot is free, and frees it when `work` settles. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  /** Refuses every waiter and every later caller with a SlotsClosedError; holders keep their slots. Returns how many waited. */
  close(): number {
    this.closed = true;
    const refused = this.waiting.splice(0);
    for (const waiter of refused) waiter.refuse(new SlotsClosedError('not started: shutting down'));
    return refused.length;
  }

  private acquire(): Promise<void> {
    if (this.closed) return Promise.reject(new SlotsClosedError('not started: shutting down'));
    if (this.held < this.size) {
      this.held++;
      return Promise.resolve();
    }
    return new Promise((grant, refuse) => this.waiting.push({ grant, refuse }));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next)
      next.grant(); // the slot passes straight to the next waiter
    else this.held--;
  }
}
