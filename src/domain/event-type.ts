/** Event types look like `invoice.paid`: letters, digits and . _ : - , at most 128 characters. */
export const EVENT_TYPE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
export const EVENT_TYPE_MESSAGE = 'event types are 1-128 characters of letters, digits and . _ : - (e.g. invoice.paid)';

/**
 * What a subscription's `eventTypes` may hold: an event type, or a prefix with a trailing wildcard (`invoice.*`),
 * at most 128 characters in all. The prefix ends in a letter, digit, `_`, `:` or `-`, never in a dot.
 */
export const EVENT_TYPE_FILTER = /^(?:[A-Za-z0-9][A-Za-z0-9._:-]{0,127}|[A-Za-z0-9](?:[A-Za-z0-9._:-]{0,124}[A-Za-z0-9_:-])?\.\*)$/;
export const EVENT_TYPE_FILTER_MESSAGE = `${EVENT_TYPE_MESSAGE}, or a prefix ending in .* (e.g. invoice.*)`;

/**
 * Whether a subscription filter entry matches an event type: the type itself, or, for `prefix.*`, every type that
 * starts with `prefix.` (so `invoice.*` matches `invoice.paid` and `invoice.item.added`, but not `invoice`). The
 * publish statement does the same in SQL (src/persistence/repositories/event.repository.ts); this is its
 * reference, for tests and documentation.
 */
export function matchesEventType(filter: string, type: string): boolean {
  if (!filter.endsWith('.*')) return filter === type;
  return type.startsWith(filter.slice(0, -1));
}
