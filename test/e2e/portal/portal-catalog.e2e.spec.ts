import { declareType, typePrefix } from '../../support/catalog';
import { signedInReader } from '../../support/portal';
import { useTestApp } from '../../support/test-app';

/** Text as the portal's pages write it (Preact escapes &, < and " in text; > stays). */
const asHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

describe('the portal: the event catalog', () => {
  const t = useTestApp();

  it('shows each type with its description, example body as the environment’s receivers get it, schema, and archived ones marked', async () => {
    const prefix = typePrefix();
    const paid = `${prefix}.invoice.paid`;
    const gone = `${prefix}.invoice.voided`;
    const schema = { type: 'object', required: ['invoice'], properties: { invoice: { type: 'string' } } };
    const declared = await declareType(t.app.admin, paid, {
      description: 'An invoice was paid <script>alert(1)</script>',
      schema,
      example: { invoice: 'in_"42' },
    });
    expect(declared.status).toBe(200);
    expect((await declareType(t.app.admin, gone, { description: 'An invoice was voided' })).status).toBe(200);
    expect((await t.app.admin.request('DELETE', `/event-types/${gone}`)).status).toBe(204);
    const { id: environmentId } = await t.app.newEnvironment();
    const reader = await signedInReader(t.app, environmentId);

    const page = await reader.get('/portal/catalog');
    expect(page.status).toBe(200);
    expect(page.html).toContain('<a href="/portal/catalog" aria-current="page">');
    expect(page.html).not.toContain('<script>alert');
    expect(page.html).toContain('An invoice was paid &lt;script>alert(1)&lt;/script>');

    const body = {
      id: 'evt_01KBZ7XQ8M3V5J2N4R6T8W0Y1A',
      type: paid,
      createdAt: declared.body.updatedAt,
      environment: environmentId,
      data: { invoice: 'in_"42' },
    };
    expect(page.html).toContain(asHtml(JSON.stringify(body, null, 2)));
    expect(page.html).toContain(asHtml(JSON.stringify(schema, null, 2)));
    expect(page.html).toContain(`<h2 id="type-${gone}"><code>${gone}</code><span class="badge"> archived</span></h2>`);
    expect(page.html).toContain(`<h2 id="type-${paid}"><code>${paid}</code></h2>`);
    expect(page.html.match(/<h1>/g)).toHaveLength(1);
  });
});
