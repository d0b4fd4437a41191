import type { RecoveryStatus } from '../domain/statuses';

/** What GET /recoveries/:id answers. */
export interface RecoveryProgress {
  status: RecoveryStatus;
  total: number;
  started: number;
  succeeded: number;
  expired: number;
  /** Redelivered and not yet ended. */
  pending?: number;
}

/** Still starting redeliveries (`running`), or some of those it started have not ended yet (succeeded or expired). */
export const isUnderWay = (progress: RecoveryProgress) => progress.status === 'running' || (progress.status === 'completed' && (progress.pending ?? 0) > 0);

/**
 * `[####====......]  8/20 started, 4 succeeded, 0 expired (running)`: `#` for notifications that ended (succeeded
 * or expired), `=` for those started and still pending, `.` for those not started yet.
 */
export function progressBar(progress: RecoveryProgress, width = 30): string {
  const { total, started, succeeded, expired, status } = progress;
  const cells = (count: number) => (total === 0 ? 0 : Math.round((width * Math.min(count, total)) / total));
  const ended = cells(succeeded + expired);
  const running = Math.max(0, cells(started) - ended);
  const bar = '#'.repeat(ended) + '='.repeat(running) + '.'.repeat(Math.max(0, width - ended - running));
  return `[${bar}] ${started}/${total} started, ${succeeded} succeeded, ${expired} expired (${status})`;
}

/** Draws a bar in place on a terminal (one line, redrawn); elsewhere prints a line each time it changes. */
export class ProgressLine {
  private last = '';

  constructor(
    private readonly write: (text: string) => void,
    private readonly tty: boolean,
  ) {}

  update(line: string): void {
    if (line === this.last) return;
    this.last = line;
    this.write(this.tty ? `\r\x1b[K${line}` : `${line}\n`);
  }

  /** Ends the redrawn line. */
  done(): void {
    if (this.tty && this.last) this.write('\n');
  }
}
