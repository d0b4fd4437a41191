/** The types of boundaries.js, for the tests (test/unit/lint-boundaries.spec.ts). */
export interface BoundaryViolation {
  /** A rule of .dependency-cruiser.cjs, or no-folder-cycle. */
  rule: string;
  from: string;
  to: string;
  /** A cycle's files or folders, back to the first. */
  cycle?: string[];
  /** A folder cycle's imports, one for each arrow. */
  imports?: string[];
}
export function checkBoundaries(root?: string): { violations: BoundaryViolation[]; modules: number; dependencies: number };
/** The names of the rules of .dependency-cruiser.cjs (no-folder-cycle aside). */
export const RULES: string[];
