/**
 * How deep an event's `data` may nest arrays and objects: `{"a":[1]}` is 2 levels. Real payloads stay far below;
 * the limit keeps recursive code (validation, receivers' parsers) away from hostile nesting.
 */
export const MAX_DATA_DEPTH = 32;

/** The same limit for a whole request body, whose top-level object holds `data`. */
export const MAX_BODY_DEPTH = MAX_DATA_DEPTH + 1;
