import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { LastLines } from '../../../src/lib/last-lines';
import { repoRoot } from '../../../src/dev/temporal-cli';

const SCRIPT = join('scripts', 'obtain-temporal-server.sh');

/** Absolute paths of the Temporal server v1.29.1 and its SQL schema tool (same module version). */
export interface TemporalServerBinaries {
  server: string;
  sqlTool: string;
}

/** Parses the script's stdout: `TEMPORAL_SERVER_PATH=…` and `TEMPORAL_SQL_TOOL_PATH=…` lines. */
export function parseObtainOutput(stdout: string): TemporalServerBinaries | null {
  const values = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) values.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  const server = values.get('TEMPORAL_SERVER_PATH');
  const sqlTool = values.get('TEMPORAL_SQL_TOOL_PATH');
  return server && sqlTool ? { server, sqlTool } : null;
}

/**
 * Runs scripts/obtain-temporal-server.sh: finds (or builds, which can take minutes) the server and the SQL tool.
 * Progress lines from the script's stderr go to `log`.
 */
export function obtainTemporalServer(log: (line: string) => void): Promise<TemporalServerBinaries> {
  const script = join(repoRoot(), SCRIPT);
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let stdout = '';
    const stderrLines = new LastLines(40);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    createInterface({ input: child.stderr, crlfDelay: Infinity }).on('line', (line) => {
      if (line.trim() === '') return;
      stderrLines.push(line);
      log(line);
    });
    child.on('error', (err) => reject(new Error(`cannot run ${script}: ${err.message}`)));
    child.on('close', (code, signal) => {
      const binaries = parseObtainOutput(stdout);
      if (code === 0 && binaries) return resolve(binaries);
      const why = signal ? `killed by ${signal}` : `exit code ${code}`;
      const details = stderrLines.length ? `:\n${stderrLines}` : '';
      reject(new Error(`could not obtain the Temporal server (${SCRIPT} ${why})${details}`));
    });
  });
}
