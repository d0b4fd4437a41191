import type { CliIo } from './io';

type Lines = string | string[];

/** What a command prints: the API's JSON with --json (for scripts), else lines for a person. */
export class Output {
  constructor(
    readonly io: CliIo,
    readonly json: boolean,
  ) {}

  /** The command's result. */
  result(value: unknown, human: () => Lines): void {
    if (this.json) this.io.stdout(`${JSON.stringify(value ?? null, null, 2)}\n`);
    else this.lines(human());
  }

  /** The command's result, whose JSON is the API's text as it came (exact numbers and key order). */
  resultText(text: string, human: () => Lines): void {
    if (this.json) this.io.stdout(`${text}\n`);
    else this.lines(human());
  }

  /** One line of a stream (`plude listen`): a JSON object a line with --json. */
  event(value: Record<string, unknown>, human: string): void {
    this.io.stdout(this.json ? `${JSON.stringify(value)}\n` : `${human}\n`);
  }

  /** Something for a person only (never part of --json output): on stderr with --json, so scripts read clean stdout. */
  say(text: Lines): void {
    const lines = Array.isArray(text) ? text : [text];
    const joined = `${lines.join('\n')}\n`;
    if (this.json) this.io.stderr(joined);
    else this.io.stdout(joined);
  }

  private lines(text: Lines): void {
    const lines = Array.isArray(text) ? text : [text];
    if (lines.length > 0) this.io.stdout(`${lines.join('\n')}\n`);
  }
}

const show = (value: unknown): string => {
  if (value === null || value === undefined) return '-';
  if (Array.isArray(value)) return value.length === 0 ? '-' : value.join(', ');
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return value.toString();
  return JSON.stringify(value) ?? '-';
};

/** `name   value` lines, the values aligned. */
export function fields(rows: [string, unknown][]): string[] {
  const width = Math.max(...rows.map(([name]) => name.length));
  return rows.map(([name, value]) => `${`${name}:`.padEnd(width + 2)} ${show(value)}`.trimEnd());
}

/** A table with a header row; columns are as wide as their widest cell. */
export function table(headers: string[], rows: unknown[][]): string[] {
  const cells = [headers, ...rows.map((row) => row.map(show))];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => row[column].length)));
  return cells.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column])))
      .join('  ')
      .trimEnd(),
  );
}
