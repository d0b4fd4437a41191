import type { FuncKeywordDefinition, SchemaValidateFunction } from 'ajv';

/**
 * One text per JSON value such that two values get the same text exactly when JSON Schema calls them equal: keys
 * sorted, so that key order does not matter. Data is at most 32 levels deep (src/domain/event-data.ts).
 */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Checks `uniqueItems`: false for the first item equal to an earlier one, naming both (as ajv's message does). */
const validate: SchemaValidateFunction = (schema: boolean, data: unknown[]) => {
  if (!schema) return true;
  const seen = new Map<string, number>();
  for (let i = 0; i < data.length; i++) {
    const key = canonical(data[i]);
    const j = seen.get(key);
    if (j !== undefined) {
      validate.errors = [{ keyword: 'uniqueItems', params: { i, j }, message: `must NOT have duplicate items (items ## ${j} and ${i} are identical)` }];
      return false;
    }
    seen.set(key, i);
  }
  return true;
};

/**
 * `uniqueItems` in time linear in the array's size: each item's canonical text goes into a map. ajv's own compares
 * every pair of items when they may be objects or arrays (items' schema not limited to scalars), which is quadratic.
 * Same verdict, the same message.
 */
export const linearUniqueItems: FuncKeywordDefinition = { keyword: 'uniqueItems', type: 'array', schemaType: 'boolean', errors: true, validate };
