/** The last `max` lines of a child process's output, quoted when it fails (the dev server, the CLI build, PostgreSQL). */
export class LastLines {
  private readonly lines: string[] = [];

  constructor(private readonly max: number) {}

  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.max) this.lines.shift();
  }

  get length(): number {
    return this.lines.length;
  }

  toString(): string {
    return this.lines.join('\n');
  }
}
