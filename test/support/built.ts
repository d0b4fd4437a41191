import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
/** What `npm run build` makes and the tests that run real processes use. */
export const BUILT = {
  main: path.join(ROOT, 'dist', 'src', 'main.js'),
  cli: path.join(ROOT, 'dist', 'src', 'cli', 'main.js'),
  bin: path.join(ROOT, 'bin', 'plude.js'),
};

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : entry.name.endsWith('.ts') ? statSync(full).mtimeMs : 0);
  }
  return latest;
}

const mtime = (file: string) => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
};

/**
 * The tests that run `node dist/…` (as `npm start` and `npx plude` do) need a build of the sources they test:
 * this runs `npm run build` when there is none or a source is newer (CI has built already, so it checks only).
 */
export function ensureBuilt(): void {
  const built = Math.min(mtime(BUILT.main), mtime(BUILT.cli));
  const sources = Math.max(...['src', 'activities', 'workflows', 'scripts'].map((dir) => newest(path.join(ROOT, dir))));
  if (built > sources) return;
  process.stderr.write('[built] dist/ is missing or older than the sources: npm run build\n');
  const result = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) throw new Error(`npm run build failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
}
