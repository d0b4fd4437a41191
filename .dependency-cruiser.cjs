/**
 * The boundaries of the layout (issue 17), checked by `npm run lint:boundaries` (scripts/lint/boundaries.js), which
 * also fails on a cycle between the top-level folders (scripts/lint/folder-cycles.js: rule 7's folder half).
 * Paths are relative to the folder the cruise runs in: the repository, or a fixture tree laid out like it
 * (test/lint/fixtures, test/unit/lint-boundaries.spec.ts). Rules name folders of the target layout, some of which may
 * not exist yet. Type-only imports count, except where a rule says otherwise (workflows/ may import types; cycles).
 */

/** Every folder of ours, as opposed to npm packages and Node's built-ins. */
const OURS = '^(src|workflows|activities|bench|scripts|test|bin)/';
/**
 * Frameworks that src/domain keeps out of: it is plain TypeScript that every side can use. `(^|/)` because a fixture
 * tree's packages resolve to ../../../../node_modules.
 */
const FRAMEWORKS = '(^|/)node_modules/(@nestjs|@temporalio|typeorm|express|class-validator|class-transformer|nestjs-pino|pino|pino-http|pg|rxjs|undici)/';

module.exports = {
  forbidden: [
    {
      name: 'domain-imports-nothing-of-ours',
      comment: 'Rule 1: src/domain imports only other src/domain files (and npm packages that are not frameworks).',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: OURS, pathNot: '^src/domain/' },
    },
    {
      name: 'domain-imports-no-framework',
      comment: 'Rule 1: src/domain is framework-free (no Nest, Temporal, TypeORM, HTTP server or client, logger).',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: FRAMEWORKS },
    },
    {
      name: 'lib-imports-nothing-of-ours',
      comment: 'Rule 2: src/lib holds small general helpers that import nothing of ours.',
      severity: 'error',
      from: { path: '^src/lib/' },
      to: { path: OURS, pathNot: '^src/lib/' },
    },
    {
      name: 'workflows-value-imports',
      comment:
        'Rule 3: workflow code is deterministic and bundled alone: its values come from @temporalio/workflow and ' +
        'workflows/ only (no Node built-in, no other package, nothing else of ours). `import type` is erased and allowed.',
      severity: 'error',
      from: { path: '^workflows/' },
      to: { pathNot: ['^workflows/', '(^|/)node_modules/@temporalio/workflow/'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'workflows-type-imports',
      comment: "Rule 3: workflows/ may `import type` from src/domain and activities/ (its activities' signatures), nothing else of ours.",
      severity: 'error',
      from: { path: '^workflows/' },
      to: { path: OURS, pathNot: '^(workflows|activities|src/domain)/', dependencyTypes: ['type-only'] },
    },
    {
      name: 'activities-imports',
      comment:
        'Rule 4: activities/ import src/domain, src/lib, activities/ and workflows/ (their ports, failure types); ' +
        'what they need from the rest (database, HTTP) is passed in by createActivities(deps).',
      severity: 'error',
      from: { path: '^activities/' },
      to: { path: OURS, pathNot: '^(activities|workflows|src/domain|src/lib)/' },
    },
    {
      name: 'workflows-imported-by-temporal-side-only',
      comment: 'Rule 5: only Temporal-side code imports workflows/: src/temporal, src/outbox, activities/, workflows/ (and test/, bench/).',
      severity: 'error',
      from: { pathNot: '^(src/temporal|src/outbox|activities|workflows|test|bench)/' },
      to: { path: '^workflows/' },
    },
    {
      name: 'nothing-imports-the-roles',
      comment:
        'Rule 6: src/runtime (the roles) is imported only by the entry points src/main.ts, src/api.ts, src/worker.ts and itself ' +
        '(and test/, bench/, and the build script that writes the workflow bundle where the worker role looks for it).',
      severity: 'error',
      from: { pathNot: ['^src/runtime/', '^src/(main|api|worker)\\.ts$', '^(test|bench)/', '^scripts/bundle-workflows\\.ts$'] },
      to: { path: '^src/runtime/' },
    },
    {
      name: 'no-file-cycle',
      comment:
        "Rule 7: no cycle between files. `import type` is erased and does not count: workflows/ import their activities' " +
        "signatures as types, and activities/ import workflows/' failure types (rules 3 and 4), on purpose.",
      severity: 'error',
      from: {},
      to: { circular: true, dependencyTypesNot: ['type-only'], viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|dist-bench|data|coverage|docs)/|^test/(compose|lint/fixtures)/' },
    // `import type` is kept in the graph (marked type-only), so that rules can tell types from values.
    tsPreCompilationDeps: true,
    // No tsConfig: the repository uses plain relative imports, and the same options serve the fixture trees.
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.tsx', '.js', '.json', '.d.ts'],
    },
    skipAnalysisNotInRules: true,
  },
};
