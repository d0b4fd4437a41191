import { eventDataJson, MAX_BODY_DEPTH } from '../../src/domain/event-data';
import { nestsDeeperThan, RawJson, stringifyWithRaw } from '../../src/domain/json-text';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('nestsDeeperThan', () => {
  it.each([
    ['{}', 1, false],
    ['{"a":[1]}', 2, false],
    ['{"a":[1]}', 1, true],
    ['[[[]]]', 3, false],
    ['[[[]]]', 2, true],
    ['[[],[],[]]', 2, false],
    ['{"s":"[[[[{{{{"}', 1, false],
    ['{"s":"\\"[[[[","t":"\\\\"}', 1, false],
    ['{"s":"\\\\","a":[[1]]}', 2, true],
    ['{"é✓":"😀[[[","a":[]}', 2, false],
  ])('%s deeper than %i: %s', (json, limit, expected) => {
    expect(nestsDeeperThan(bytes(json), limit)).toBe(expected);
  });

  it('scans 100,000 levels without recursing', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(nestsDeeperThan(bytes(deep), MAX_BODY_DEPTH)).toBe(true);
    expect(nestsDeeperThan(bytes(deep), 100_000)).toBe(false);
  });
});

describe('stringifyWithRaw', () => {
  it('serialises members in order and splices RawJson verbatim', () => {
    const raw = '{"b":1,"1":2,"big":12345678901234567890}';
    expect(stringifyWithRaw({ id: 'evt_1', n: 2, data: new RawJson(raw), skipped: undefined, list: [{ a: null }] })).toBe(
      `{"id":"evt_1","n":2,"data":${raw},"list":[{"a":null}]}`,
    );
    expect(stringifyWithRaw({})).toBe('{}');
  });
});

describe('eventDataJson', () => {
  it('returns the exact source text of the top-level data member', () => {
    const data = '{ "b" : 1,\n "1": 2, "big": 12345678901234567890, "s": "a\\u0000b\\ud800" }';
    expect(eventDataJson(`{"type":"a.b","data":${data}}`)).toBe(data);
    expect(eventDataJson(`{"data":${data},"type":"a.b"}`)).toBe(data);
    expect(eventDataJson(`{"type":"a.b","nested":{"data":[1]},"data":{}}`)).toBe('{}');
  });

  it.each([
    ['{"type":"a","data":{"a":1,"a":2}}', 'data has the key "a" more than once'],
    ['{"type":"a","data":{"a":1,"\\u0061":2}}', 'data has the key "a" more than once'],
    ['{"type":"a","data":{"x":{"y":[0,{"k":1,"k":1}]}}}', 'data.x.y[1] has the key "k" more than once'],
    ['{"type":"a","data":{},"data":{}}', 'the request body has the key "data" more than once'],
  ])('refuses duplicate keys: %s', (body, message) => {
    expect(() => eventDataJson(body)).toThrow(message);
  });

  it('accepts the same key in different objects', () => {
    expect(eventDataJson('{"type":"a","data":{"a":{"a":1},"b":[{"a":1},{"a":2}]}}')).toBe('{"a":{"a":1},"b":[{"a":1},{"a":2}]}');
  });
});
