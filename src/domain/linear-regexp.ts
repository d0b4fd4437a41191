import { RE2JS, RE2JSException } from 're2js';

/**
 * What ajv needs of a regular expression (its `RegExpLike`): a search anywhere in the string, and a text that names
 * the expression (ajv keeps one compiled pattern per `toString()` within an instance: without it, every pattern of a
 * schema would be its meta-schema's first one).
 */
export interface LinearRegExp {
  test(text: string): boolean;
  toString(): string;
}

/**
 * A regular expression of a schema that RE2 cannot run: a backreference or a lookaround (which need
 * backtracking, whose time can grow exponentially with the text), or syntax RE2 spells otherwise.
 */
export class NonLinearPatternError extends Error {
  override readonly name = 'NonLinearPatternError';

  constructor(
    readonly pattern: string,
    readonly reason: string,
  ) {
    super(
      `pattern ${JSON.stringify(pattern)} cannot be checked in linear time: patterns run on RE2, which has no ` +
        `backreferences (\\1, \\k<name>) and no lookarounds ((?=, (?!, (?<=, (?<!) (${reason})`,
    );
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

const FLAG_BITS: Record<string, number> = { i: RE2JS.CASE_INSENSITIVE, m: RE2JS.MULTILINE, s: RE2JS.DOTALL, u: 0 };

/** A named backreference: valid ECMAScript, but re2js's translation would silently turn it into the text `k<name>`. */
function hasNamedBackreference(source: string): boolean {
  for (let i = 0; i < source.length; i++) {
    if (source[i] !== '\\') continue;
    if (source[i + 1] === 'k') return true;
    i++;
  }
  return false;
}

/**
 * Compiles an ECMAScript regular expression (JSON Schema's dialect) to run on RE2 (re2js, a pure TypeScript port:
 * no native build, memory the garbage collector frees): matching takes time linear in the text, whatever the
 * pattern. The pattern must first be valid ECMAScript (a SyntaxError otherwise, as ajv would throw); one that RE2
 * cannot express throws a NonLinearPatternError. RE2's semantics differ from ECMAScript's in small ways: `\s` is
 * ASCII whitespace only ([\t\n\f\r ]), and `.` matches \r, \u2028 and \u2029.
 *
 * `flags` are ECMAScript's that matter here: i, m, s (u is implied: RE2 matches code points).
 */
export function linearRegExp(source: string, flags = 'u'): LinearRegExp {
  new RegExp(source, flags.includes('u') ? flags : `${flags}u`); // syntax only: a RegExp compiles in linear time, and is never run
  if (hasNamedBackreference(source)) throw new NonLinearPatternError(source, 'it has a named backreference');
  let bits = 0;
  for (const flag of flags) bits |= FLAG_BITS[flag] ?? 0;
  try {
    const re2 = RE2JS.compile(RE2JS.translateRegExp(source), bits);
    return { test: (text) => re2.test(text), toString: () => `/${source}/${flags}` };
  } catch (err) {
    if (err instanceof RE2JSException) throw new NonLinearPatternError(source, `RE2: ${err.message}`);
    throw err;
  }
}

/** ajv's `code.regExp` option: every `pattern` and `patternProperties` of a schema compiles through linearRegExp. */
export const linearRegExpEngine = Object.assign((source: string, flags: string) => linearRegExp(source, flags), { code: 'linearRegExp' });
