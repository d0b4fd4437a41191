/** JSON handled as text: a nesting check that never recurses, and objects with members spliced in verbatim. */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/**
 * Whether UTF-8 JSON text nests arrays and objects more than `limit` levels deep, found in one pass over the
 * bytes that counts `[` and `{` outside strings: no parser and no recursion, so it is safe on any input, before
 * anything recursive sees it. (UTF-8 never uses these ASCII bytes inside a multi-byte character.)
 */
export function nestsDeeperThan(json: Uint8Array, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const byte = json[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_BRACKET || byte === OPEN_BRACE) {
      if (++depth > limit) return true;
    } else if (byte === CLOSE_BRACKET || byte === CLOSE_BRACE) {
      depth--;
    }
  }
  return false;
}

/** JSON text that `stringifyWithRaw` copies as it is, instead of serialising a value. */
export class RawJson {
  constructor(readonly text: string) {}
}

/**
 * The JSON text of an object whose members are serialised as JSON.stringify would, except RawJson members, which
 * are spliced in verbatim: the publisher's `data` keeps its key order, its number digits and its escapes.
 */
export function stringifyWithRaw(object: Record<string, unknown>): string {
  const members: string[] = [];
  for (const [key, value] of Object.entries(object)) {
    if (value === undefined) continue;
    members.push(`${JSON.stringify(key)}:${value instanceof RawJson ? value.text : JSON.stringify(value)}`);
  }
  return `{${members.join(',')}}`;
}
