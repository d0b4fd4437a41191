import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { LastLines } from '../lib/last-lines';

const SCRIPT = join('scripts', 'obtain-temporal.sh');

/**
 * The repository root: the nearest ancestor of this file holding package.json and the obtain
 * script. Works from src/temporal (ts via swc/jest) and from dist/src/temporal (compiled).
 */
export function repoRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, SCRIPT))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the repository root (with ${SCRIPT}) above ${from}`);
    dir = parent;
  }
}

/**
 * Runs scripts/obtain-temporal.sh: finds (or builds, which can take minutes) the Temporal CLI.
 * Progress lines from the script's stderr go to `log`; resolves with the CLI's absolute path.
 */
export function obtainTemporalCli(log: (line: string) => void): Promise<string> {
  const script = join(repoRoot(), SCRIPT);
  return new Promise<string>((resolve, reject) => {
    const child = spawn('bash', [script], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let stdout = '';
    const stderrLines = new LastLines(40);
    const emit = (line: string): void => {
      if (line.trim() === '') return;
      stderrLines.push(line);
      log(line);
    };
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    createInterface({ input: child.stderr, crlfDelay: Infinity }).on('line', emit);
    child.on('error', (err) => reject(new Error(`cannot run ${script}: ${err.message}`)));
    child.on('close', (code, signal) => {
      const path = stdout.trim();
      if (code === 0 && path !== '') return resolve(path);
      const why = signal ? `killed by ${signal}` : `exit code ${code}`;
      const details = stderrLines.length ? `:\n${stderrLines}` : '';
      reject(new Error(`could not obtain the Temporal CLI (${SCRIPT} ${why})${details}`));
    });
  });
}
