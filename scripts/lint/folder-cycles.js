/**
 * Rule 7's folder half: no cycle between the top-level folders (src/<folder>, and workflows/, activities/, ...).
 * Reads dependency-cruiser's JSON result (its `modules`) and returns, for every folder on a cycle, the shortest cycle
 * through it (each cycle once), with an import that makes each of its arrows. `import type` does not count, as for
 * files (.dependency-cruiser.cjs, no-file-cycle): workflows/ import activities/' signatures as types on purpose.
 * Alone: `npx depcruise -c .dependency-cruiser.cjs -T json src workflows activities | node scripts/lint/folder-cycles.js`.
 */

/** src/runtime/x.ts -> src/runtime; src/main.ts -> src/main.ts; workflows/a.ts -> workflows; npm and built-ins -> null. */
function folderOf(path) {
  if (!/^(src|workflows|activities|bench|scripts|test|bin)\//.test(path)) return null;
  const [top, second, third] = path.split('/');
  if (top !== 'src') return top;
  return third === undefined ? path : `src/${second}`;
}

/** from -> (to -> the first import found that makes the arrow) */
function folderArrows(modules) {
  const arrows = new Map();
  for (const module of modules) {
    const from = folderOf(module.source);
    for (const dependency of module.dependencies ?? []) {
      const erased = dependency.dependencyTypes.includes('type-only');
      const to = dependency.coreModule || erased ? null : folderOf(dependency.resolved);
      if (!from || !to || from === to) continue;
      if (!arrows.has(from)) arrows.set(from, new Map());
      if (!arrows.get(from).has(to)) arrows.get(from).set(to, `${module.source} → ${dependency.resolved}`);
    }
  }
  return arrows;
}

/** The shortest way back to `start` (breadth first), as the list of folders after it, or null. */
function shortestCycle(arrows, start) {
  const cameFrom = new Map();
  const queue = [start];
  while (queue.length > 0) {
    const folder = queue.shift();
    for (const next of arrows.get(folder)?.keys() ?? []) {
      if (next === start) {
        const path = [folder];
        while (path[0] !== start) path.unshift(cameFrom.get(path[0]));
        return path;
      }
      if (cameFrom.has(next)) continue;
      cameFrom.set(next, folder);
      queue.push(next);
    }
  }
  return null;
}

function folderCycles(modules) {
  const arrows = folderArrows(modules);
  const cycles = new Map();
  for (const start of [...arrows.keys()].sort()) {
    const path = shortestCycle(arrows, start);
    if (!path) continue;
    const first = path.indexOf([...path].sort()[0]);
    const folders = [...path.slice(first), ...path.slice(0, first)];
    const imports = folders.map((from, i) => arrows.get(from).get(folders[(i + 1) % folders.length]));
    cycles.set(folders.join(' → '), { folders: [...folders, folders[0]], imports });
  }
  return [...cycles.values()];
}

if (require.main === module) {
  const result = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
  const cycles = folderCycles(result.modules);
  for (const { folders, imports } of cycles) console.log(`  error no-folder-cycle: ${folders.join(' → ')}\n      ${imports.join('\n      ')}`);
  process.exitCode = cycles.length > 0 ? 1 : 0;
}

module.exports = { folderCycles, folderOf };
