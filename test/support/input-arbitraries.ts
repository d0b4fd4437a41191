import fc from 'fast-check';

/** Generators of hostile HTTP input for test/e2e/api/input-fuzz.e2e.spec.ts. */

/** Any UTF-16 code unit, lone surrogates included: JSON.stringify writes those as \udxxx escapes. */
const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
const oddUnicode = fc.string({
  unit: fc.oneof(fc.constantFrom('\u0000', '\ud800', '\udfff', '\ufeff', '\u2028', 'é', '✓', '😀'), anyCodeUnit, fc.string({ unit: 'binary', maxLength: 1 })),
});

/** Header values fetch can send: printable ASCII and Latin-1, no control characters. */
const headerText = fc.string({
  unit: fc
    .integer({ min: 0x20, max: 0xff })
    .filter((c) => c < 0x7f || c > 0x9f)
    .map((c) => String.fromCharCode(c)),
  maxLength: 40,
});
const printable = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 40 });

const jsonContentTypes = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON;CHARSET="UTF-8"');
const otherContentTypes = fc.constantFrom(
  undefined,
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/problem+json',
  'text/plain',
  'text/plain; charset=utf-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  ';;',
  'json',
);

/** Mostly a JSON content type, so that most bodies get past the 415 to the checks behind it. */
export const contentTypes = fc.oneof({ weight: 4, arbitrary: jsonContentTypes }, otherContentTypes);

/** Deeply nested arrays or objects, from harmless to far past any limit. */
const nested = fc
  .tuple(fc.integer({ min: 1, max: 2500 }), fc.boolean())
  .map(([depth, arrays]) => (arrays ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)));

/** A string of about `length` characters of one kind. */
const huge = fc
  .tuple(fc.constantFrom(10_000, 200_000, 1_100_000), fc.constantFrom('x', 'é', '\\u0000', '"'))
  .map(([length, unit]) => unit.repeat(length / unit.length));

/** Text that is not JSON, or JSON that is not an object. */
const notJson = fc.oneof(
  fc.constantFrom('', ' ', 'null', '[]', '"text"', '123', 'true', '{', '{"type":', 'type=a.b&data=1', '{"a":1,}', '{/*c*/}', '{"a":"\u0000"}', '\ufeff{}'),
  fc.string({ maxLength: 50 }),
  oddUnicode,
);

/** JSON values with odd strings in keys and values. */
const oddUnit = fc.oneof(anyCodeUnit, fc.constantFrom('\u0000', '\ud800', '1', '__proto__'));
const oddJsonValue = fc.jsonValue({ maxDepth: 4, stringUnit: oddUnit });

const eventType = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[a-z][a-z0-9._:-]{0,20}$/) },
  fc.constantFrom('a', 'x'.repeat(129), 'has space', ''),
  printable,
);

/** Mostly an object (what `data` must be), with odd keys and values. */
export const eventData = fc.oneof(
  { weight: 4, arbitrary: fc.dictionary(fc.string({ unit: oddUnit, maxLength: 5 }), oddJsonValue, { maxKeys: 5 }) },
  oddJsonValue,
);

/** The text of an event-shaped body: valid more often than not, so that the checks past the parser run too. */
const eventJson = fc.oneof(
  { weight: 12, arbitrary: fc.record({ type: eventType, data: eventData }).map((body) => JSON.stringify(body)) },
  fc.record({ type: eventType, data: eventData }, { requiredKeys: [] }).map((body) => JSON.stringify(body)),
  fc
    .tuple(eventType, eventData, fc.constantFrom('colour', 'type', 'data', '1'))
    .map(([type, data, extra]) => `{"type":${JSON.stringify(type)},"data":${JSON.stringify(data)},${JSON.stringify(extra)}:{"x":1}}`),
  nested.map((data) => `{"type":"deep.thing","data":{"d":${data}}}`),
  huge.map((text) => `{"type":"big.thing","data":{"s":"${text}"}}`),
  fc.constantFrom(
    '{"type":"n.big","data":{"n":12345678901234567890,"f":1e400,"z":-0}}',
    '{"type":"n.nul","data":{"k":"a\\u0000b","\\u0000":1}}',
    '{"type":"n.sur","data":{"k":"\\ud800","\\udc00":"\\udbff\\udfff"}}',
    '{"type":"n.dup","data":{"a":1,"a":2}}',
    '{"type":"n.dup","data":{"a":1},"data":{"b":2}}',
  ),
);

/** Bodies for any route: any JSON, non-JSON, bytes that are not UTF-8, and bodies shaped like `shaped`. */
export function bodies(shaped: fc.Arbitrary<string>): fc.Arbitrary<string | Uint8Array | undefined> {
  return fc.oneof(
    { weight: 8, arbitrary: shaped },
    { weight: 1, arbitrary: fc.json({ maxDepth: 3 }) },
    { weight: 1, arbitrary: notJson },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

export const eventBodies = bodies(eventJson);

const urlValue = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[a-z0-9/._~-]{0,30}$/).map((path) => `https://127.0.0.1:1/${path}`) },
  fc.constantFrom(
    'https://127.0.0.1:1/hooks',
    'http://127.0.0.1:1/hooks',
    'not a url',
    '',
    'https://',
    'https://a\u0000b/',
    'https://127.0.0.1:1/\u0000?\ud800',
    `https://example.com/${'a'.repeat(2100)}`,
  ),
  printable.map((path) => `https://127.0.0.1:1/${path}`),
  oddUnicode,
  oddJsonValue,
);

export const subscribeBodies = bodies(
  fc
    .record(
      {
        url: urlValue,
        eventTypes: fc.oneof({ weight: 3, arbitrary: fc.uniqueArray(eventType, { maxLength: 3 }) }, fc.array(eventType, { maxLength: 3 }), oddJsonValue),
      },
      { requiredKeys: ['url'] },
    )
    .map((body) => JSON.stringify(body)),
);

export const environmentBodies = bodies(
  fc
    .record(
      { id: fc.oneof(fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,20}$/), printable, oddJsonValue), allowPrivateTargets: fc.oneof(fc.boolean(), oddJsonValue) },
      { requiredKeys: [] },
    )
    .map((body) => JSON.stringify(body)),
);

/**
 * Schemas for `data`: mostly ones that compile, some that the odd examples below almost never match and some that
 * they mostly do, then ones that must not compile: typos, remote and missing references, broken patterns, unknown
 * formats, `$async`, self-references without end, and JSON that is no schema at all.
 */
const eventSchema = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom<unknown>(
      { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } },
      { type: 'object', minProperties: 1, additionalProperties: false },
      false,
    ),
  },
  {
    weight: 4,
    arbitrary: fc.constantFrom<unknown>(
      { type: 'object', properties: { at: { type: 'string', format: 'date-time' }, to: { type: 'string', format: 'email' } } },
      { type: 'object', properties: { d: { $ref: '#/$defs/d' } }, $defs: { d: { type: 'object', properties: { d: { $ref: '#/$defs/d' } } } } },
      { $id: 'https://plude.example/fuzz', type: 'object', properties: { self: { $ref: '#' } } },
      true,
      null,
      {},
    ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom<unknown>(
      { requird: ['n'] },
      { type: 'objekt' },
      { $ref: 'https://example.com/schema.json' },
      { $ref: '#/$defs/missing' },
      { $schema: 'http://json-schema.org/draft-04/schema#' },
      { type: 'object', properties: { s: { type: 'string', pattern: '(' } } },
      { type: 'object', properties: { s: { format: 'no-such-format' } } },
      { $async: true, type: 'string' },
      { $ref: '#' },
      { $dynamicRef: '#meta' },
      { $defs: { a: { $ref: '#/$defs/b' }, b: { $ref: '#/$defs/a' } }, properties: { x: { $ref: '#/$defs/a' } } },
      { type: 'object', properties: { a: { if: { type: 'string' }, then: { $ref: '#/properties/a' } } } },
      { minLength: -1 },
      '{"type":"object"}',
      [],
    ),
  },
  { weight: 1, arbitrary: oddJsonValue },
);

const description = fc.oneof({ weight: 12, arbitrary: printable }, fc.constantFrom('', 'd'.repeat(2001), 'a NUL \u0000 inside'), oddJsonValue);

/** The text of a declaration (PUT /event-types/:name): description, schema and example, mostly all three. */
const declarationJson = fc.oneof(
  { weight: 12, arbitrary: fc.record({ description, schema: eventSchema, example: eventData }).map((body) => JSON.stringify(body)) },
  { weight: 2, arbitrary: fc.record({ description, schema: eventSchema, example: eventData }, { requiredKeys: [] }).map((body) => JSON.stringify(body)) },
  fc
    .tuple(description, fc.constantFrom('name', 'archived', '__proto__'))
    .map(([text, extra]) => `{"description":${JSON.stringify(text)},${JSON.stringify(extra)}:true}`),
  nested.map((schema) => `{"description":"deep","schema":{"allOf":[${schema}]},"example":{}}`),
);

export const declarationBodies = bodies(declarationJson);

/** An event type in a path: mostly a valid one (a few, so that some are declared again and archived). */
export const eventTypeNames = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('fuzz.declared', 'fuzz.other', 'Fuzz:Declared-1_x') },
  { weight: 2, arbitrary: fc.stringMatching(/^[a-z][a-z0-9._:-]{0,20}$/) },
  fc.constantFrom('x'.repeat(129), 'has%20space', '.starts.with.dot', '%2Fslash', '%00'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).map(encodeURIComponent),
);

/** Accept headers for the catalog, which answers JSON or, for text/html, a page. */
export const accepts = fc.oneof(
  fc.constantFrom(undefined, 'text/html', 'application/json', '*/*', 'text/html;q=0.1, application/json;q=0.05', 'image/png', '', ';;', 'text/html;q=abc'),
  headerText,
);

/** Times for a recovery's range: mostly ISO-8601 with a zone, then look-alikes and other JSON. */
const isoTime = fc
  .date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
  .map((date) => date.toISOString());
const timeValue = fc.oneof(
  { weight: 6, arbitrary: isoTime },
  fc.constantFrom(
    'yesterday',
    '',
    '2026-01-02T03:04:05',
    '2026-13-45T25:61:61Z',
    '2026-02-30T00:00:00Z',
    '2026-01-02T03:04:05+99:99',
    '0000-01-01T00:00:00Z',
    '9999-12-31T23:59:59.999999999Z',
    '2026-01-02T03:04:05.123456789-12:00',
    '2026-01-02T03:04Z',
  ),
  printable,
  oddJsonValue,
);

/** The text of a recovery's body: mostly a range in order (or since alone), else since and until of any kind. */
export const recoverBodies = bodies(
  fc.oneof(
    { weight: 6, arbitrary: fc.tuple(isoTime, isoTime).map(([a, b]) => JSON.stringify(a < b ? { since: a, until: b } : { since: b })) },
    { weight: 4, arbitrary: fc.record({ since: timeValue, until: timeValue }, { requiredKeys: ['since'] }).map((body) => JSON.stringify(body)) },
    fc.record({ since: timeValue, until: timeValue, colour: oddJsonValue }, { requiredKeys: [] }).map((body) => JSON.stringify(body)),
  ),
);

/** A path segment: real IDs, look-alikes, odd characters and broken percent-encoding. */
export function pathIds(...known: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(...known),
    fc.constantFrom('%00', '%', '%zz', '%E0%A4%A', '%ED%A0%80', '..', 'evt_00000000000000000000000000', 'ntf_7ZZZZZZZZZZZZZZZZZZZZZZZZZ'),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).map(encodeURIComponent),
    fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 30 }).map(encodeURIComponent),
  );
}

export interface Credentials {
  token: string;
  environment: string;
}

/** Authentication and protocol headers: right most of the time, so that requests reach the handlers. */
/** Right 9 times in 10, otherwise one of `wrong`. */
const mostly = <T>(right: T, ...wrong: fc.Arbitrary<T>[]) => fc.oneof({ weight: 9 * wrong.length, arbitrary: fc.constant(right) }, ...wrong);

/** Authentication and protocol headers: right most of the time, so that requests reach the handlers. */
export function headers(credentials: Credentials, other: Credentials): fc.Arbitrary<Record<string, string | undefined>> {
  return fc.record({
    authorization: mostly<string | undefined>(
      `Bearer ${credentials.token}`,
      fc.constantFrom(undefined, 'Bearer pwh_garbage', 'Basic dXNlcjpwYXNz', `Bearer ${other.token}`),
      headerText,
    ),
    'x-environment': mostly<string | undefined>(credentials.environment, fc.constantFrom(undefined, other.environment, ''), headerText),
    'x-version': mostly<string | undefined>('2022-03', fc.constantFrom(undefined, '', '2019-01', 'latest', ' 2022-03'), headerText),
    'idempotency-key': mostly<string | undefined>(undefined, fc.string({ unit: 'grapheme-ascii', maxLength: 20 }), fc.constant('k'.repeat(256)), headerText),
    'x-request-id': mostly<string | undefined>(undefined, printable, headerText),
    'content-type': contentTypes,
  });
}
