import { declareType, ownTypes, typePrefix } from '../../support/catalog';
import { useTestApp } from '../../support/test-app';

/** One app for the file's tests (default settings); each test makes its own environment. */
const t = useTestApp();

/** Backtracking takes about 1.2 s at 27 a and doubles with each one more: 40 would take hours. RE2 takes microseconds. */
const PROMPT_MS = 5_000;

describe('schemas that cannot stall the API', () => {
  it('the exponential probe ^(a|a)*$ with 40 a and one ! is answered, and /health/live answers while it runs', async () => {
    const { api } = await t.app.newEnvironment();
    const type = `${typePrefix()}.probe.exponential`;
    const declared = await declareType(t.app.admin, type, {
      description: 'A pattern that backtracking engines take exponential time on.',
      schema: { type: 'object', properties: { s: { type: 'string', pattern: '^(a|a)*$' } } },
    });
    expect(declared.status).toBe(200);

    const started = performance.now();
    const publish = api.publish(type, { s: `${'a'.repeat(40)}!` });
    const live = fetch(`${api.baseUrl}/health/live`).then((response) => ({ status: response.status, ms: performance.now() - started }));
    const [published, health] = await Promise.all([publish, live]);
    expect(performance.now() - started).toBeLessThan(PROMPT_MS);
    expect(health).toEqual({ status: 200, ms: expect.any(Number) });
    expect(health.ms).toBeLessThan(PROMPT_MS);
    expect(published.status).toBe(422);
    expect(published.body.errors).toEqual([expect.objectContaining({ instancePath: '/s', keyword: 'pattern' })]);
    expect((await api.publish(type, { s: 'aaaa' })).status).toBe(202);
  });

  it.each([
    ['a lookahead', '^(?=a)a+$'],
    ['a backreference', '^(a)\\1$'],
  ])('a pattern with %s is refused at declaration: 400 naming RE2', async (_what, pattern) => {
    const { api } = await t.app.newEnvironment();
    const prefix = typePrefix();
    const refused = await declareType(t.app.admin, `${prefix}.probe.refused`, {
      description: 'x',
      schema: { type: 'object', properties: { s: { type: 'string', pattern } } },
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'validation', message: expect.stringContaining('patterns run on RE2') });
    expect(ownTypes((await api.request('GET', '/webhooks/event-types')).body.items, prefix)).toEqual([]);
  });

  it('a format with a quadratic ajv-formats expression (url) answers at once on 200,000 colons', async () => {
    const { api } = await t.app.newEnvironment();
    const type = `${typePrefix()}.probe.url`;
    const declared = await declareType(t.app.admin, type, {
      description: 'x',
      schema: { type: 'object', properties: { u: { type: 'string', format: 'url' } } },
    });
    expect(declared.status).toBe(200);
    const started = performance.now();
    const published = await api.publish(type, { u: `http://${':'.repeat(200_000)}` });
    expect(performance.now() - started).toBeLessThan(PROMPT_MS);
    expect(published.status).toBe(422);
  });
});
