import { type Node, parseTree } from 'jsonc-parser';
import { validationError } from './errors';

/**
 * How deep an event's `data` may nest arrays and objects: `{"a":[1]}` is 2 levels. Real payloads stay far below;
 * the limit keeps recursive code (validation, receivers' parsers) away from hostile nesting.
 */
export const MAX_DATA_DEPTH = 32;

/** The same limit for a whole request body, whose top-level object holds `data`. */
export const MAX_BODY_DEPTH = MAX_DATA_DEPTH + 1;

const where = (path: string) => (path === '' ? 'the request body' : path);

/**
 * Refuses an object that has the same key twice, anywhere in the tree (walked with an explicit stack): receivers'
 * parsers disagree on which duplicate wins, so such data would mean different things to different receivers.
 */
function assertUniqueKeys(root: Node): void {
  const pending: { node: Node; path: string }[] = [{ node: root, path: '' }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { node, path } = next;
    if (node.type === 'array') {
      node.children?.forEach((child, index) => pending.push({ node: child, path: `${path}[${index}]` }));
    } else if (node.type === 'object') {
      const seen = new Set<string>();
      for (const [key, value] of (node.children ?? []).map((property) => property.children ?? [])) {
        const name = String(key.value);
        if (seen.has(name)) throw validationError(`${where(path)} has the key ${JSON.stringify(name)} more than once`);
        seen.add(name);
        if (value) pending.push({ node: value, path: path === '' ? name : `${path}.${name}` });
      }
    }
  }
}

/**
 * The exact source text of the top-level `data` member of a publish request body, so that receivers get the
 * publisher's keys in the publisher's order, every digit of big numbers and every escape as it was sent.
 * `body` has already been through the strict parser (JSON.parse), the nesting limit and the DTO's checks.
 */
export function eventDataJson(body: string): string {
  const root = parseTree(body, undefined, { disallowComments: true, allowTrailingComma: false });
  if (root?.type !== 'object') throw validationError('the request body must be a JSON object');
  assertUniqueKeys(root);
  const data = root.children?.find((property) => property.children?.[0].value === 'data')?.children?.[1];
  if (!data) throw validationError('data must be a JSON object');
  return body.slice(data.offset, data.offset + data.length);
}
