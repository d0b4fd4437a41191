import fc from 'fast-check';
import { fullFormats } from 'ajv-formats/dist/formats';
import { DomainError } from '../../src/domain/errors';
import { compileEventSchema, MAX_SCHEMA_BYTES } from '../../src/domain/event-schema';
import { linearFormats } from '../../src/domain/linear-formats';
import { linearRegExp, NonLinearPatternError } from '../../src/domain/linear-regexp';

/** Runs `work` and returns how long it took, in milliseconds. */
function timed(work: () => unknown): number {
  const start = performance.now();
  work();
  return performance.now() - start;
}

function refusal(work: () => unknown): DomainError {
  try {
    work();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}

describe('patterns run on RE2 (linear time)', () => {
  it('the exponential probe ^(a|a)*$ answers at once, whatever the length (backtracking would take minutes from 32 a)', () => {
    const re = linearRegExp('^(a|a)*$');
    expect(timed(() => expect(re.test(`${'a'.repeat(40)}!`)).toBe(false))).toBeLessThan(1000);
    expect(timed(() => expect(re.test(`${'a'.repeat(200_000)}!`)).toBe(false))).toBeLessThan(2000);
    expect(re.test('aaaa')).toBe(true);
  });

  it('keeps ECMAScript meaning for the usual syntax: search anywhere, classes, escapes, named groups, \\u', () => {
    expect(linearRegExp('b+').test('abbc')).toBe(true);
    expect(linearRegExp('^[A-Z]{3}-\\d{2}$').test('ABC-12')).toBe(true);
    expect(linearRegExp('^[A-Z]{3}-\\d{2}$').test('ABC-123')).toBe(false);
    expect(linearRegExp('^(?<year>\\d{4})$').test('2026')).toBe(true);
    expect(linearRegExp('^\\u00e9\\/$').test('é/')).toBe(true);
    expect(linearRegExp('^\\p{Lu}+$').test('ÉA')).toBe(true);
  });

  it.each([
    ['(a)\\1', 'backreference'],
    ['(?<x>a)\\k<x>', 'named backreference'],
    ['a(?=b)', 'lookahead'],
    ['a(?!b)', 'negative lookahead'],
    ['(?<=a)b', 'lookbehind'],
    ['(?<!a)b', 'negative lookbehind'],
  ])('refuses %s (%s), naming RE2', (pattern) => {
    expect(() => linearRegExp(pattern)).toThrow(NonLinearPatternError);
    expect(() => linearRegExp(pattern)).toThrow(/RE2/);
  });

  it('each pattern of a schema is its own (ajv keeps compiled patterns by their text)', () => {
    const check = compileEventSchema({ type: 'object', properties: { a: { pattern: '^a+$' }, b: { pattern: '^b+$' }, c: { pattern: '^c$' } } });
    expect(check({ a: 'aa', b: 'bb', c: 'c' })).toEqual([]);
    expect(check({ a: 'b', b: 'a', c: 'cc' }).map((v) => v.instancePath)).toEqual(['/a', '/b', '/c']);
  });

  it('a pattern that is not ECMAScript stays a syntax error', () => {
    expect(() => linearRegExp('(')).toThrow(SyntaxError);
  });

  it('a schema whose pattern or patternProperties RE2 cannot run is a 400 that says so', () => {
    for (const schema of [
      { type: 'object', properties: { s: { type: 'string', pattern: '^(a)\\1$' } } },
      { type: 'object', patternProperties: { '^(?!x)': { type: 'string' } } },
    ]) {
      const err = refusal(() => compileEventSchema(schema));
      expect(err.code).toBe('validation');
      expect(err.message).toMatch(/cannot be checked in linear time: patterns run on RE2/);
    }
  });

  it('a schema with the exponential probe compiles and checks 40 a and one ! at once', () => {
    const check = compileEventSchema({ type: 'object', properties: { s: { type: 'string', pattern: '^(a|a)*$' } } });
    expect(timed(() => expect(check({ s: `${'a'.repeat(40)}!` })).toHaveLength(1))).toBeLessThan(1000);
    expect(check({ s: 'aaa' })).toEqual([]);
    const props = compileEventSchema({ type: 'object', patternProperties: { '^(a|a)*$': { type: 'integer' } } });
    expect(timed(() => expect(props({ [`${'a'.repeat(40)}!`]: 'x', aa: 'y' })).toHaveLength(1))).toBeLessThan(1000);
  });
});

describe('formats run on RE2', () => {
  const linear = linearFormats();
  const original = fullFormats as Record<string, unknown>;
  const run = (format: unknown, text: string): boolean => {
    if (format === true) return true;
    if (format instanceof RegExp) return new RegExp(format.source, format.flags.replace('g', '')).test(text);
    if (typeof format === 'function') return (format as (s: string) => boolean)(text);
    return run((format as { validate: unknown }).validate, text);
  };

  it('every format of ajv-formats is there, and none is left a backtracking RegExp', () => {
    expect(Object.keys(linear).sort()).toEqual(Object.keys(original).sort());
    for (const format of Object.values(linear)) {
      expect(format).not.toBeInstanceOf(RegExp);
      if (typeof format === 'object') expect((format as { validate: unknown }).validate).not.toBeInstanceOf(RegExp);
    }
  });

  const samples: Record<string, string[]> = {
    duration: ['P1Y2M3D', 'PT1H', 'P1W', 'P', 'PT', 'P1DT', 'P1DT2H3M4S', 'P1Y1W', 'PT1D', 'p1d'],
    hostname: [
      'example.com',
      'a',
      'a.',
      '-a.com',
      'a-.com',
      `${'a.'.repeat(126)}a`,
      `${'a.'.repeat(126)}a.`,
      `${'a.'.repeat(127)}`,
      `${'a.'.repeat(127)}a`,
      'EXAMPLE.com',
      'a..b',
    ],
    url: [
      'http://example.com',
      'https://example.com:8080/path?q=1',
      'ftp://user:pass@host.example.org/',
      'http://8.8.8.8',
      'http://10.0.0.1',
      'http://100.0.0.1',
      'http://127.0.0.1:80',
      'http://128.0.0.1',
      'http://169.254.1.1',
      'http://169.253.1.1',
      'http://172.16.0.1',
      'http://172.15.0.1',
      'http://172.31.1.1',
      'http://172.32.1.1',
      'http://172.160.1.1',
      'http://172.01.1.1',
      'http://192.168.1.1',
      'http://192.169.1.1',
      'http://192.16.1.1',
      'http://1.2.3.4',
      'http://224.0.0.1',
      'http://223.255.255.254',
      'http://1.2.3.255',
      'http://10.0.0.1@8.8.8.8',
      'http://localhost',
      'http://ex_ample.com',
      'http://exämple.com',
      'mailto:a@b.c',
    ],
    uri: ['https://example.com/a?b#c', 'urn:isbn:0451450523', '//example.com', 'a b:c', 'http://[::1]/', 'x:'],
    'uri-reference': ['/a/b', '', '#frag', 'http://x.y/%zz', 'http://x.y/%aa'],
    'uri-template': ['/users/{id}', '{+path}/x', '{', 'a{b,c*}'],
    email: ['a@b.co', 'first.last@example.com', 'a@b', '.a@b.co', 'a..b@c.de', 'a@-b.co'],
    ipv4: ['1.2.3.4', '256.1.1.1', '01.1.1.1', '1.2.3'],
    ipv6: ['::1', '2001:db8::1', '1:2:3:4:5:6:7:8', '::ffff:1.2.3.4', ':::1', 'g::1'],
    uuid: ['123e4567-e89b-12d3-a456-426614174000', 'urn:uuid:123E4567-E89B-12D3-A456-426614174000', '123e4567e89b12d3a456426614174000'],
    'json-pointer': ['', '/a/b', '/a~0b~1c', 'a', '/~2'],
    'json-pointer-uri-fragment': ['#', '#/a/b', '#/%20', '/a'],
    'relative-json-pointer': ['0', '1/a', '2#', '01', '-1'],
    byte: ['', 'QUJD', 'QUI=', 'QQ==', 'QUJ', 'Q===', '!!!!\nQUJD'],
    date: ['2026-02-28', '2026-02-29', '2024-02-29'],
    'date-time': ['2026-01-02T03:04:05Z', '2026-01-02t03:04:05.123+01:00', '2026-01-02T03:04:05'],
  };

  it.each(Object.entries(samples))('%s answers as ajv-formats does on its samples', (name, texts) => {
    for (const text of texts) expect([text, run(linear[name], text)]).toEqual([text, run(original[name], text)]);
  });

  it.each(['duration', 'hostname', 'url', 'uri', 'uri-reference', 'email', 'ipv4', 'ipv6', 'uuid', 'byte', 'json-pointer'])(
    '%s answers as ajv-formats does on random strings of its alphabet',
    (name) => {
      const alphabet = 'aZ09.-_:/@?#%[]!~PTYMDWHS\n '.split('');
      const text = fc.oneof(
        fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 24 }),
        fc
          .constantFrom(...(samples[name] ?? ['']))
          .chain((sample) => fc.tuple(fc.nat(sample.length), fc.constantFrom(...alphabet)).map(([at, c]) => sample.slice(0, at) + c + sample.slice(at + 1))),
      );
      fc.assert(
        fc.property(text, (s) => run(linear[name], s) === run(original[name], s)),
        { numRuns: 2000 },
      );
    },
  );

  it('url: 200,000 colons answer at once (ajv-formats backtracks quadratically: 20,000 take about 0.9 s, a 1 MB body over 30 minutes)', () => {
    expect(timed(() => expect(run(linear.url, `http://${':'.repeat(200_000)}`)).toBe(false))).toBeLessThan(2000);
  });
});

describe('the work of one validation is bounded', () => {
  it(`a schema of ${MAX_SCHEMA_BYTES} bytes of JSON is accepted, one more byte is refused (400)`, () => {
    const schemaOf = (bytes: number) => {
      const base = JSON.stringify({ type: 'object', description: '' }).length;
      return { type: 'object', description: 'd'.repeat(bytes - base) };
    };
    expect(JSON.stringify(schemaOf(MAX_SCHEMA_BYTES)).length).toBe(MAX_SCHEMA_BYTES);
    expect(() => compileEventSchema(schemaOf(MAX_SCHEMA_BYTES))).not.toThrow();
    const err = refusal(() => compileEventSchema(schemaOf(MAX_SCHEMA_BYTES + 1)));
    expect(err.code).toBe('validation');
    expect(err.message).toBe(`schema is too large: ${MAX_SCHEMA_BYTES + 1} bytes of JSON, at most ${MAX_SCHEMA_BYTES}`);
  });

  it('the size is counted in UTF-8 bytes', () => {
    const base = JSON.stringify({ description: '' }).length;
    expect(() => compileEventSchema({ description: 'é'.repeat((MAX_SCHEMA_BYTES - base) / 2 + 1) })).toThrow(/too large/);
  });

  it('uniqueItems over objects is linear: 20,000 objects are checked at once, with the verdict and message of ajv', () => {
    const check = compileEventSchema({ type: 'array', uniqueItems: true });
    const items = Array.from({ length: 20_000 }, (_, i) => ({ id: i, tags: ['a', 'b'], nested: { x: i % 7 } }));
    expect(timed(() => expect(check(items)).toEqual([]))).toBeLessThan(5000);
    expect(check([...items, { nested: { x: 1 }, tags: ['a', 'b'], id: 1 }])).toEqual([
      { instancePath: '', keyword: 'uniqueItems', message: 'must NOT have duplicate items (items ## 1 and 20000 are identical)' },
    ]);
  });

  it('uniqueItems keeps JSON Schema equality: key order does not matter, types do', () => {
    const check = compileEventSchema({ type: 'object', properties: { list: { uniqueItems: true } } });
    expect(
      check({
        list: [
          { a: 1, b: 2 },
          { b: 2, a: 1 },
        ],
      }),
    ).toHaveLength(1);
    expect(check({ list: [1, '1', [1], { 1: 1 }, null, true, 'true'] })).toEqual([]);
    expect(
      check({
        list: [
          [1, 2],
          [2, 1],
        ],
      }),
    ).toEqual([]);
    expect(check({ list: [1, 1.0] })[0]).toMatchObject({ instancePath: '/list', keyword: 'uniqueItems' });
    expect(compileEventSchema({ uniqueItems: false })([1, 1])).toEqual([]);
  });
});
