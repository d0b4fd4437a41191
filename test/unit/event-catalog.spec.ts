import { DomainError } from '../../src/domain/errors';
import { compileEventSchema, schemaMismatch } from '../../src/domain/event-schema';
import { EVENT_TYPE_FILTER, matchesEventType } from '../../src/domain/event-type';
import { escapeHtml, renderCatalogPage } from '../../src/event-types/catalog-page';

describe('event type filters', () => {
  it.each(['invoice.paid', 'invoice.*', 'a.*', 'a_b-c:d.*', 'x'.repeat(128), `${'x'.repeat(126)}.*`])('accepts %s', (filter) => {
    expect(EVENT_TYPE_FILTER.test(filter)).toBe(true);
  });

  it.each(['*', '.*', 'invoice*', 'invoice..*', 'invoice.*.paid', 'invoice.**', 'has space.*', `${'x'.repeat(127)}.*`, 'x'.repeat(129)])(
    'refuses %s',
    (filter) => {
      expect(EVENT_TYPE_FILTER.test(filter)).toBe(false);
    },
  );

  it('a trailing wildcard matches what starts with the prefix and its dot, never the prefix alone', () => {
    expect(matchesEventType('invoice.*', 'invoice.paid')).toBe(true);
    expect(matchesEventType('invoice.*', 'invoice.item.added')).toBe(true);
    expect(matchesEventType('invoice.*', 'invoice')).toBe(false);
    expect(matchesEventType('invoice.*', 'invoices.paid')).toBe(false);
    expect(matchesEventType('invoice.paid', 'invoice.paid')).toBe(true);
    expect(matchesEventType('invoice.paid', 'invoice.paid.late')).toBe(false);
  });
});

describe('event schemas (ajv, draft 2020-12)', () => {
  const check = compileEventSchema({
    type: 'object',
    properties: { at: { type: 'string', format: 'date-time' }, items: { type: 'array', prefixItems: [{ type: 'integer' }] } },
    required: ['at'],
  });

  it('lists every violation with its JSON pointer', () => {
    expect(check({ at: '2026-01-02T03:04:05Z', items: [1] })).toEqual([]);
    expect(check({ at: 'yesterday', items: ['one'] })).toEqual([
      { instancePath: '/at', keyword: 'format', message: 'must match format "date-time"' },
      { instancePath: '/items/0', keyword: 'type', message: 'must be integer' },
    ]);
  });

  it('refuses schemas that do not compile, unknown keywords and references it would have to fetch', () => {
    for (const schema of [{ type: 'objekt' }, { type: 'object', requird: ['a'] }, { $ref: 'https://example.com/schema.json' }, 'object', [1]]) {
      expect(() => compileEventSchema(schema)).toThrow(DomainError);
    }
  });

  it('refuses schemas that compile but cannot check: $async, and references to themselves without end', () => {
    for (const schema of [{ $async: true, type: 'object' }, { $ref: '#' }, { allOf: [{ $ref: '#' }] }, { $dynamicRef: '#meta' }]) {
      expect(() => compileEventSchema(schema)).toThrow(expect.objectContaining({ code: 'validation' }));
    }
  });

  it('a schema that refers to itself without end only for some data is a 422 for that data', () => {
    const loops = compileEventSchema({ type: 'object', properties: { a: { if: { type: 'string' }, then: { $ref: '#/properties/a' } } } });
    expect(loops({ a: 1 })).toEqual([]);
    expect(() => loops({ a: 'x' })).toThrow(expect.objectContaining({ code: 'unprocessable', message: expect.stringMatching(/refers to itself without end/) }));
  });

  it('keeps one schema’s $id away from another’s', () => {
    const a = compileEventSchema({ $id: 'https://plude.example/same', type: 'string' });
    const b = compileEventSchema({ $id: 'https://plude.example/same', type: 'integer' });
    expect([a('x'), b(1)]).toEqual([[], []]);
  });

  it('a mismatch is a 422 domain error carrying the violations', () => {
    const error = schemaMismatch('example', check({})) as DomainError;
    expect(error).toMatchObject({ code: 'unprocessable', message: "example does not match the schema: (root) must have required property 'at'" });
    expect(error.details?.errors).toEqual([{ instancePath: '', keyword: 'required', message: "must have required property 'at'" }]);
  });
});

describe('the catalog page', () => {
  it('escapes every character that could open markup or leave an attribute', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('escapes names, descriptions, examples and schemas, and shows the whole body a receiver gets', () => {
    const html = renderCatalogPage('env"<x>', [
      {
        name: 'a.b',
        description: '<script>x</script>',
        schema: { title: '"><svg onload=1>' },
        example: { html: '</pre><i>' },
        archived: true,
        createdAt: '2026-01-01T00:00:00.000Z',
        updatedAt: '2026-01-02T00:00:00.000Z',
      },
    ]);
    expect(html).not.toMatch(/<script>x|<svg|<i>|env"<x>/);
    expect(html).toContain('&quot;environment&quot;: &quot;env\\&quot;&lt;x&gt;&quot;');
    expect(html).toContain('&quot;createdAt&quot;: &quot;2026-01-02T00:00:00.000Z&quot;');
    expect(html).toContain('<span class="archived">archived</span>');
  });
});
