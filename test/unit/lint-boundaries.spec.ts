import { join } from 'node:path';
import { type BoundaryViolation, checkBoundaries, RULES } from '../../scripts/lint/boundaries';

/**
 * The boundary check of `npm run lint` (scripts/lint/boundaries.js: .dependency-cruiser.cjs and the folder cycles) on
 * two trees laid out like the repository: test/lint/fixtures/violations breaks each rule once, in a file named after
 * the rule; test/lint/fixtures/clean keeps them all, the allowed imports included (workflows' `import type`, tests'
 * and bench's imports of the roles, activities' of workflows' types).
 */

const fixtures = join(__dirname, '..', 'lint', 'fixtures');

describe('the boundary check (npm run lint:boundaries)', () => {
  let violations: BoundaryViolation[];
  beforeAll(() => {
    violations = checkBoundaries(join(fixtures, 'violations')).violations;
  });
  const reported = (rule: string) => violations.filter((violation) => violation.rule === rule).map(({ from, to }) => `${from} → ${to}`);

  it.each([
    ['domain-imports-nothing-of-ours', ['src/domain/domain-imports-nothing-of-ours.ts → src/persistence/notification.repository.ts']],
    ['lib-imports-nothing-of-ours', ['src/lib/lib-imports-nothing-of-ours.ts → src/domain/ids.ts']],
    ['workflows-value-imports', ['workflows/workflows-value-imports.ts → fs', 'workflows/workflows-value-imports.ts → src/domain/ids.ts']],
    ['workflows-type-imports', ['workflows/workflows-type-imports.ts → src/persistence/notification.repository.ts']],
    ['activities-imports', ['activities/activities-imports.ts → src/persistence/notification.repository.ts']],
    ['workflows-imported-by-temporal-side-only', ['src/events/workflows-imported-by-temporal-side-only.ts → workflows/types.ts']],
    ['nothing-imports-the-roles', ['src/events/nothing-imports-the-roles.ts → src/runtime/api-role.ts']],
  ])('%s reports the imports that break it, and only those', (rule, imports) => {
    expect(reported(rule).sort()).toEqual(imports);
  });

  it('domain-imports-no-framework reports a framework package imported by src/domain', () => {
    expect(reported('domain-imports-no-framework')).toEqual([
      expect.stringMatching(/^src\/domain\/domain-imports-no-framework\.ts → .*node_modules\/@nestjs\/common\//),
    ]);
  });

  it('no-file-cycle reports a cycle of files, with its path', () => {
    const cycles = violations.filter((violation) => violation.rule === 'no-file-cycle').map((violation) => violation.cycle);
    expect(cycles).toContainEqual(expect.arrayContaining(['src/outbox/no-file-cycle.ts', 'src/outbox/outbox-relay.ts']));
    expect(cycles.flat().every((file) => file?.startsWith('src/outbox/'))).toBe(true);
  });

  it('no-folder-cycle reports a cycle of top-level folders made of files that form no cycle, with an import for each arrow', () => {
    expect(violations.filter((violation) => violation.rule === 'no-folder-cycle')).toEqual([
      {
        rule: 'no-folder-cycle',
        from: 'src/config',
        to: 'src/observability',
        cycle: ['src/config', 'src/observability', 'src/config'],
        imports: ['src/config/no-folder-cycle.ts → src/observability/logger.ts', 'src/observability/logger.ts → src/config/log-level.ts'],
      },
    ]);
  });

  it('every rule of .dependency-cruiser.cjs has its violation in the fixtures', () => {
    const rules = new Set(violations.map((violation) => violation.rule));
    expect(RULES.filter((name) => !rules.has(name))).toEqual([]);
    expect(rules).toContain('no-folder-cycle');
  });

  it('a tree that keeps the rules passes', () => {
    expect(checkBoundaries(join(fixtures, 'clean')).violations).toEqual([]);
  });
});
