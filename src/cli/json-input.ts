import { readFileSync } from 'node:fs';
import { usageError } from './errors';

/**
 * JSON that the user gives on the command line (`--data '{"a":1}'`) or in a file (`--data @event.json`): checked
 * here, for a usage error that says which option is wrong, and returned as the user's own text.
 */
export function jsonOption(option: string, value: string, shape: 'object' | 'any' = 'object'): string {
  let text = value;
  if (value.startsWith('@')) {
    try {
      text = readFileSync(value.slice(1), 'utf8');
    } catch (err) {
      throw usageError(`${option}: cannot read ${value.slice(1)}: ${(err as Error).message}`);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw usageError(`${option} is not valid JSON: ${(err as Error).message}`);
  }
  if (shape === 'object' && (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))) {
    throw usageError(`${option} must be a JSON object, like '{"invoice": "in_42"}'`);
  }
  return text.trim();
}
