import { applyEdits, findNodeAtLocation, format, parseTree } from 'jsonc-parser';

/**
 * JSON text indented for reading, worked on as text (jsonc-parser's formatter): members keep their order and numbers
 * their digits, as the publisher wrote them (a parse into values would reorder integer-like keys and round big numbers).
 */
export const prettyJson = (text: string): string => applyEdits(text, format(text, undefined, { tabSize: 2, insertSpaces: true, eol: '\n' }));

/** The text of one member of a JSON object's text, as written; null when it has none. */
export function memberText(json: string, key: string): string | null {
  const tree = parseTree(json);
  const node = tree && findNodeAtLocation(tree, [key]);
  return node ? json.slice(node.offset, node.offset + node.length) : null;
}
