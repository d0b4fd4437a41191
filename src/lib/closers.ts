/** What a process has started, stopped in reverse order: on shutdown, and when start-up fails half way. */
export class Closers {
  private readonly closers: (() => Promise<unknown>)[] = [];

  add(close: () => Promise<unknown>): void {
    this.closers.push(close);
  }

  async closeAll(log: (line: string) => void): Promise<void> {
    for (const close of this.closers.splice(0).reverse()) {
      await close().catch((err: Error) => log(`while stopping: ${err.message}`));
    }
  }
}
