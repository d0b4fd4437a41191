/**
 * `npm run lint:boundaries`: the layout's boundary rules (.dependency-cruiser.cjs) and the folder cycles
 * (folder-cycles.js) in one cruise. `node scripts/lint/boundaries.js [root]` checks another tree laid out like the
 * repository (test/lint/fixtures/*); `--json` prints the violations as JSON ({ rule, from, to }) for the tests.
 * Exits 1 when a rule is broken, 2 when the cruise itself failed.
 */
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { folderCycles } = require('./folder-cycles');

const REPOSITORY = resolve(__dirname, '../..');
const CONFIG = join(REPOSITORY, '.dependency-cruiser.cjs');
const RULES = require(CONFIG).forbidden.map((rule) => rule.name);
const FOLDERS = ['src', 'workflows', 'activities', 'bench', 'scripts'];

function checkBoundaries(root = REPOSITORY) {
  const folders = FOLDERS.filter((folder) => existsSync(join(root, folder)));
  const cruiser = join(REPOSITORY, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
  const run = spawnSync(process.execPath, [cruiser, '--config', CONFIG, '--output-type', 'json', ...folders], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
  if (run.status !== 0 || !run.stdout.trim()) throw new Error(`dependency-cruiser failed (${run.status}): ${run.stderr}`);
  const result = JSON.parse(run.stdout);
  /** { rule, from, to } and, for a cycle, `cycle` (its files or folders, back to the first) and `imports` (folders) */
  const violations = result.summary.violations.map((violation) => ({
    rule: violation.rule.name,
    from: violation.from,
    to: violation.to,
    ...(violation.cycle ? { cycle: [violation.from, ...violation.cycle.map((step) => step.name)] } : {}),
  }));
  for (const { folders, imports } of folderCycles(result.modules)) {
    violations.push({ rule: 'no-folder-cycle', from: folders[0], to: folders[1], cycle: folders, imports });
  }
  return { violations, modules: result.summary.totalCruised, dependencies: result.summary.totalDependenciesCruised };
}

function describe({ rule, from, to, cycle, imports }) {
  const what = cycle ? cycle.join(' → ') : `${from} → ${to}`;
  return `  error ${rule}: ${what}${imports ? imports.map((line) => `\n      ${line}`).join('') : ''}`;
}

if (require.main === module) {
  const json = process.argv.includes('--json');
  const root = resolve(process.argv.slice(2).find((argument) => !argument.startsWith('--')) ?? REPOSITORY);
  try {
    const { violations, modules, dependencies } = checkBoundaries(root);
    if (json) console.log(JSON.stringify(violations, null, 2));
    else for (const violation of violations) console.log(describe(violation));
    if (!json)
      console.log(`\n${violations.length === 0 ? '✔ no' : `✘ ${violations.length}`} boundary violations (${modules} modules, ${dependencies} dependencies)`);
    process.exitCode = violations.length === 0 ? 0 : 1;
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
  }
}

module.exports = { checkBoundaries, RULES };
