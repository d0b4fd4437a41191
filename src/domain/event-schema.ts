import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { unprocessable, validationError } from './errors';
import { linearFormats } from './linear-formats';
import { linearRegExpEngine, NonLinearPatternError } from './linear-regexp';
import { linearUniqueItems } from './unique-items';

/** One reason data does not match a schema: where (a JSON pointer into the data, '' for the whole) and why. */
export interface SchemaViolation {
  instancePath: string;
  keyword: string;
  message: string;
}

/** Checks data against one compiled schema; returns every violation (none: the data matches). */
export type EventDataCheck = (data: unknown) => SchemaViolation[];

/** A 422 lists at most this many violations (ajv collects them all). */
const MAX_LISTED = 50;

const violation = (error: ErrorObject): SchemaViolation => ({
  instancePath: error.instancePath,
  keyword: error.keyword,
  message: error.message ?? error.keyword,
});

/**
 * The largest schema, as compact JSON in UTF-8 bytes: ajv's compile time grows with the schema, and it runs on the
 * API's event loop at each declaration (and once per version in each API process at publish).
 */
export const MAX_SCHEMA_BYTES = 65_536;

/** Compiled once: ajv-formats' formats with their regular expressions on RE2. */
const LINEAR_FORMATS = linearFormats();

const ENDLESS = 'it refers to itself without end (a $ref or $dynamicRef back to a schema already checking the same data)';

/**
 * Compiles a JSON Schema (draft 2020-12) with ajv. Each schema gets an ajv instance of its own, so that a `$id` or
 * `$ref` in one environment's schema never resolves against another's; nothing is fetched (a remote `$ref` is an
 * error). Strict mode refuses unknown keywords, which are usually typos (`requird`). Formats (`date-time`, `email`,
 * `uri`, …) are checked. A schema that does not compile is a 400, and so are two that compile but cannot check:
 * `$async: true` (ajv would answer with a promise, whose rejection nothing awaits) and one that refers to itself
 * without end (`{"$ref": "#"}`: ajv's code recurses until the stack overflows). One that does so only for some data
 * is a 422 for that data.
 *
 * No schema can stall the event loop with backtracking: every `pattern` and `patternProperties` runs on RE2 (linear
 * time; a pattern RE2 cannot run, with a backreference or a lookaround, is a 400 that says so), so do the formats'
 * regular expressions (src/domain/linear-formats.ts), and `uniqueItems` is linear (src/domain/unique-items.ts). A
 * schema is at most MAX_SCHEMA_BYTES.
 */
export function compileEventSchema(schema: unknown): EventDataCheck {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    if (typeof schema !== 'boolean') throw validationError('schema must be a JSON Schema: an object (or true/false)');
  }
  const bytes = Buffer.byteLength(JSON.stringify(schema));
  if (bytes > MAX_SCHEMA_BYTES) throw validationError(`schema is too large: ${bytes} bytes of JSON, at most ${MAX_SCHEMA_BYTES}`);
  const ajv = new Ajv2020({
    allErrors: true,
    ownProperties: true,
    strict: true,
    strictTypes: false,
    strictTuples: false,
    logger: false,
    code: { regExp: linearRegExpEngine },
  });
  addFormats(ajv);
  for (const [name, format] of Object.entries(LINEAR_FORMATS)) ajv.addFormat(name, format);
  ajv.removeKeyword('uniqueItems').addKeyword(linearUniqueItems);
  let validate: ReturnType<typeof ajv.compile>;
  try {
    validate = ajv.compile(schema);
  } catch (err) {
    if (err instanceof NonLinearPatternError) throw validationError(`schema is refused: ${err.message}`);
    throw validationError(`schema is not a valid JSON Schema (draft 2020-12): ${(err as Error).message}`);
  }
  if ((validate as { $async?: unknown }).$async === true) throw validationError('schema must not be $async: event data is checked synchronously');
  const check: EventDataCheck = (data) => {
    let valid: boolean;
    try {
      valid = validate(data);
    } catch (err) {
      if (err instanceof RangeError) throw unprocessable(`the schema cannot check this data: ${ENDLESS}`);
      throw err;
    }
    return valid ? [] : (validate.errors ?? []).map(violation);
  };
  try {
    check({});
  } catch {
    throw validationError(`schema is not a valid JSON Schema (draft 2020-12): ${ENDLESS}`);
  }
  return check;
}

/** A 422 naming the violations, each with its JSON pointer: `${what} does not match the schema: /amount must be integer`. */
export function schemaMismatch(what: string, violations: SchemaViolation[]): Error {
  const listed = violations.slice(0, MAX_LISTED);
  const reasons = listed.map((v) => `${v.instancePath || '(root)'} ${v.message}`).join('; ');
  const more = violations.length > listed.length ? ` (and ${violations.length - listed.length} more)` : '';
  return unprocessable(`${what} does not match the schema: ${reasons}${more}`, { errors: listed });
}
