import { MAX_BODY_DEPTH } from '../../src/domain/event-data';
import { nestsDeeperThan } from '../../src/domain/json-text';

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
