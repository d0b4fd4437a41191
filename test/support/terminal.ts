import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { waitFor } from './wait';

/**
 * A terminal as a person has one: a bash in a tmux pseudo-terminal, on a tmux server of its own, with a clean
 * environment (PATH and HOME only). Type into it, press keys, read its screen.
 */
export class Terminal {
  private constructor(
    private readonly socket: string,
    private readonly target: string,
  ) {}

  static open(cwd: string, options: { width?: number; height?: number } = {}): Terminal {
    const socket = `plude-test-${process.pid}-${randomBytes(3).toString('hex')}`;
    const terminal = new Terminal(socket, 'main');
    terminal.tmux(
      'new-session',
      '-d',
      '-s',
      'main',
      '-x',
      String(options.width ?? 220),
      '-y',
      String(options.height ?? 50),
      '-c',
      cwd,
      'bash --noprofile --norc',
    );
    terminal.tmux('set-option', '-g', 'history-limit', '5000');
    return terminal;
  }

  /** Another terminal (a tmux window) on the same server. */
  another(cwd: string): Terminal {
    const name = `w${randomBytes(3).toString('hex')}`;
    this.tmux('new-window', '-d', '-t', 'main', '-n', name, '-c', cwd, 'bash --noprofile --norc');
    return new Terminal(this.socket, `main:${name}`);
  }

  /** Types `text` and presses Enter. */
  run(text: string): void {
    this.tmux('send-keys', '-t', this.target, '-l', text);
    this.tmux('send-keys', '-t', this.target, 'Enter');
  }

  /** Presses keys, in tmux's names: C-c, Enter. */
  press(...keys: string[]): void {
    this.tmux('send-keys', '-t', this.target, ...keys);
  }

  /** What the screen and its scrollback show, wrapped lines joined. */
  screen(): string {
    return this.tmux('capture-pane', '-p', '-J', '-S', '-', '-t', this.target);
  }

  /** Resolves with the screen once it matches `pattern`. */
  shows(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    return waitFor(
      async () => this.screen(),
      (screen) => pattern.test(screen),
      { timeoutMs, what: `the terminal showing ${pattern}` },
    );
  }

  /** Ends every terminal of this server. */
  close(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // already gone
    }
  }

  private tmux(...args: string[]): string {
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', LANG: 'C.UTF-8', TERM: 'xterm-256color' };
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8', env });
  }
}
