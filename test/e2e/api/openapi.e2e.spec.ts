import { execFile } from 'node:child_process';
import { deliveryPolicyOf } from '../../../src/config/config';
import { newId } from '../../../src/domain/ids';
import { RecoveryRepository } from '../../../src/persistence/repositories/recovery.repository';
import { RecoveryWorkflows } from '../../../src/temporal/recovery-workflows';
import { type ApiResponse } from '../../support/api-client';
import { waitFor } from '../../support/wait';
import { documentedRoutes, type OpenApiDocument, ResponseChecker, servedRoutes } from '../../support/openapi-check';
import { stubbedAnswers } from '../../support/api-answers';
import { ownTypes, typePrefix } from '../../support/catalog';
import { useTestApp } from '../../support/test-app';
import { deliveredEvent } from '../../support/deliveries';

/**
 * Validates `document` with @seriousme/openapi-schema-validator against the OpenAPI 3.1 schema, in a child process:
 * the package is ESM-only, which Jest's module loader does not import.
 */
function validateOpenApi(document: unknown): Promise<{ valid: boolean; errors?: unknown }> {
  const script = `
    let text = '';
    process.stdin.on('data', (chunk) => (text += chunk)).on('end', async () => {
      const { Validator } = await import('@seriousme/openapi-schema-validator');
      const validator = new Validator();
      const result = await validator.validate(JSON.parse(text));
      process.stdout.write(JSON.stringify({ ...result, version: validator.version }));
    });`;
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['-e', script], (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout)),
    );
    child.stdin!.end(JSON.stringify(document));
  });
}

/** The routes that serve the document and the reference page: not described in the document. */
const isDocumentRoute = (route: string) => / \/openapi\.json$| \/docs(\/.*)?$/.test(route);
/** The integrator portal's pages (src/portal) are HTML for people, not API operations: the document leaves them out. */
const isPortalPage = (route: string) => / \/portal(\/.*)?$/.test(route);

describe('OpenAPI: /openapi.json and /docs', () => {
  const t = useTestApp();
  let document: OpenApiDocument;

  beforeAll(async () => {
    const response = await fetch(`${t.app.api.url}/openapi.json`);
    expect(response.status).toBe(200);
    document = (await response.json()) as OpenApiDocument;
  });

  it('is a valid OpenAPI 3.1 document, with the two security schemes', async () => {
    expect(document.openapi).toBe('3.1.0');
    const result = await validateOpenApi(document);
    expect(result).toMatchObject({ valid: true, version: '3.1' });
    expect(document.components).toMatchObject({
      securitySchemes: { apiToken: { type: 'http', scheme: 'bearer' }, adminToken: { type: 'http', scheme: 'bearer' } },
    });
  });

  it('the validator refuses a broken document (the check above can fail)', async () => {
    const broken = { ...document, paths: { '/x': { get: { responses: { 200: { description: 1 } } } } } };
    expect((await validateOpenApi(broken)).valid).toBe(false);
  });

  it('describes every route the app serves, and the app serves every route it describes', () => {
    const served = servedRoutes(t.app.api.http).filter((route) => !isDocumentRoute(route) && !isPortalPage(route));
    const documented = documentedRoutes(document);
    expect(served.length).toBeGreaterThan(10);
    expect(documented.sort()).toEqual(served.sort());
  });

  it('describes the headers: X-environment, X-version and the API token with its scopes on API routes, Idempotency-Key on publish', () => {
    const publish = document.paths['/events'].post as unknown as { parameters: { name: string; in: string; required: boolean }[]; security: object[] };
    const headers = publish.parameters.filter((p) => p.in === 'header').map((p) => `${p.name} ${p.required ? 'required' : 'optional'}`);
    expect(headers.sort()).toEqual(['Idempotency-Key optional', 'X-Request-Id optional', 'X-environment required', 'X-version optional']);
    expect(publish.security).toEqual([{ apiToken: ['publish'] }]);
    const admin = document.paths['/admin/environments'].post as unknown as { security: object[] };
    expect(admin.security).toEqual([{ adminToken: [] }]);
    // Each API-token route states the scopes it accepts: any one of its security requirements suffices.
    const scopesOf = (path: string, method: string) => {
      const operation = (document.paths[path] as unknown as Record<string, { security: Record<string, string[]>[]; 'x-scopes': string[] }>)[method];
      const byApiToken = operation.security.filter((requirement) => 'apiToken' in requirement);
      expect(byApiToken.map((requirement) => requirement.apiToken[0])).toEqual(operation['x-scopes']);
      return operation['x-scopes'];
    };
    expect(scopesOf('/events', 'post')).toEqual(['publish']);
    expect(scopesOf('/events/{id}', 'get')).toEqual(['subscriptions', 'publish']);
    expect(scopesOf('/notifications/{id}', 'get')).toEqual(['subscriptions', 'publish']);
    expect(scopesOf('/notifications/{id}/redeliver', 'post')).toEqual(['subscriptions']);
    expect(scopesOf('/notifications', 'get')).toEqual(['subscriptions', 'publish']);
    expect(scopesOf('/webhooks/subscriptions/{id}/test', 'post')).toEqual(['subscriptions']);
    expect(scopesOf('/webhooks/subscribe', 'put')).toEqual(['subscriptions']);
    expect(scopesOf('/webhooks/subscriptions/{id}/rotate-key', 'post')).toEqual(['subscriptions']);
    expect(scopesOf('/webhooks/subscriptions/{id}/recover', 'post')).toEqual(['subscriptions']);
    expect(scopesOf('/event-types/{name}', 'put')).toEqual(['catalog']);
    expect(scopesOf('/event-types/{name}', 'delete')).toEqual(['catalog']);
    // The catalog's writes also take the admin token: the catalog belongs to the platform, not to an environment.
    expect((document.paths['/event-types/{name}'].put as unknown as { security: object[] }).security).toEqual([{ adminToken: [] }, { apiToken: ['catalog'] }]);
    expect(scopesOf('/webhooks/event-types', 'get')).toEqual(['subscriptions', 'publish', 'catalog', 'portal']);
    // Portal links: the admin token, or a service token with portal.
    const links = document.paths['/admin/environments/{id}/portal-sessions'].post as unknown as { security: object[] };
    expect(links.security).toEqual([{ adminToken: [] }, { apiToken: ['portal'] }]);
    const apiRoutes = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations as Record<string, { security?: Record<string, string[]>[] }>)
        .filter(([, operation]) => operation.security?.some((requirement) => 'apiToken' in requirement))
        .map(([method]) => [path, method] as const),
    );
    expect(apiRoutes.length).toBeGreaterThan(10);
    for (const [path, method] of apiRoutes) expect([path, method, scopesOf(path, method).length > 0]).toEqual([path, method, true]);
  });

  it('serves a readable reference at /docs', async () => {
    const response = await fetch(`${t.app.api.url}/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(await response.text()).toContain('swagger-ui');
  });

  it('every route answers as the document says, successes and errors alike', async () => {
    const checker = new ResponseChecker(document);
    const testEnvironment = await t.app.newEnvironment();
    const { id: environment, token, api } = testEnvironment;
    const service = await testEnvironment.service();
    const admin = t.app.admin;
    const ns = typePrefix(); // the catalog is the platform's: names of this test's own
    const check = async (method: string, template: string, answer: Promise<ApiResponse>) => {
      const response = await answer;
      checker.check(method, template, response);
      return response;
    };

    // Operations
    await check('GET', '/health/live', admin.request('GET', '/health/live'));
    await check('GET', '/health/ready', admin.request('GET', '/health/ready'));
    const scrape = await admin.send('GET', '/metrics', undefined);
    await check('GET', '/metrics', Promise.resolve({ status: scrape.status, body: scrape.text, headers: scrape.headers }));

    // Admin
    const created = `env-openapi-${Date.now()}`;
    await check('POST', '/admin/environments', admin.request('POST', '/admin/environments', { id: created, allowPrivateTargets: true }));
    await check('POST', '/admin/environments', admin.request('POST', '/admin/environments', { id: created })); // 409
    await check('POST', '/admin/environments', admin.request('POST', '/admin/environments', { id: 'Not Valid' })); // 400
    await check('POST', '/admin/environments', admin.as({}).request('POST', '/admin/environments', { id: 'x' })); // 401
    await check('GET', '/admin/environments/{id}', admin.request('GET', `/admin/environments/${created}`));
    await check('GET', '/admin/environments/{id}', admin.request('GET', '/admin/environments/nowhere')); // 404
    const changed = await check('PATCH', '/admin/environments/{id}', admin.request('PATCH', `/admin/environments/${created}`, { allowPrivateTargets: false }));
    expect(changed.body).toMatchObject({ id: created, allowPrivateTargets: false });
    await check('PATCH', '/admin/environments/{id}', admin.request('PATCH', `/admin/environments/${created}`, { allowPrivateTargets: 'yes' })); // 400
    await check('PATCH', '/admin/environments/{id}', admin.request('PATCH', '/admin/environments/nowhere', { allowPrivateTargets: true })); // 404
    const issued = await check('POST', '/admin/environments/{id}/tokens', admin.request('POST', `/admin/environments/${created}/tokens`));
    await check('POST', '/admin/environments/{id}/tokens', admin.request('POST', '/admin/environments/nowhere/tokens')); // 404
    await check('POST', '/admin/environments/{id}/portal-sessions', admin.request('POST', `/admin/environments/${created}/portal-sessions`, { ttl: '5m' }));
    await check('POST', '/admin/environments/{id}/portal-sessions', admin.request('POST', `/admin/environments/${created}/portal-sessions`, { ttl: '25h' })); // 400
    await check('POST', '/admin/environments/{id}/portal-sessions', admin.request('POST', '/admin/environments/nowhere/portal-sessions', {})); // 404
    const portalLink = await check(
      'POST',
      '/admin/environments/{id}/portal-sessions',
      admin.request('POST', `/admin/environments/${created}/portal-sessions`, {}),
    );
    await check('POST', '/admin/environments/{id}/portal-sessions', admin.as({ token }).request('POST', `/admin/environments/${created}/portal-sessions`, {})); // 403
    const oneSession = `/admin/environments/${created}/portal-sessions/${portalLink.body.id}`;
    await check('DELETE', '/admin/environments/{id}/portal-sessions/{sessionId}', admin.request('DELETE', oneSession));
    await check(
      'DELETE',
      '/admin/environments/{id}/portal-sessions/{sessionId}',
      admin.request('DELETE', `/admin/environments/${created}/portal-sessions/pss_nothing`),
    ); // 404
    await check('DELETE', '/admin/environments/{id}/portal-sessions', admin.request('DELETE', `/admin/environments/${created}/portal-sessions`));
    await check('DELETE', '/admin/environments/{id}/portal-sessions', admin.request('DELETE', '/admin/environments/nowhere/portal-sessions')); // 404
    const branding = { displayName: 'OpenAPI', accentColor: '#0A7D52', logoUrl: 'https://cdn.example.com/logo.svg' };
    await check('PATCH', '/admin/environments/{id}', admin.request('PATCH', `/admin/environments/${created}`, branding));
    await check('PATCH', '/admin/environments/{id}', admin.request('PATCH', `/admin/environments/${created}`, { accentColor: 'green' })); // 400
    await check('GET', '/admin/environments/{id}/tokens', admin.request('GET', `/admin/environments/${created}/tokens`));
    await check('DELETE', '/admin/environments/{id}/tokens/{tokenId}', admin.request('DELETE', `/admin/environments/${created}/tokens/${issued.body.id}`));
    await check('DELETE', '/admin/environments/{id}/tokens/{tokenId}', admin.request('DELETE', `/admin/environments/${created}/tokens/tok_nothing`)); // 404
    await check('POST', '/admin/environments/{id}/tokens', admin.request('POST', `/admin/environments/${created}/tokens`, { scopes: ['publish'] }));
    await check('POST', '/admin/environments/{id}/tokens', admin.request('POST', `/admin/environments/${created}/tokens`, { scopes: ['catalog'] })); // 400
    const serviceToken = await check(
      'POST',
      '/admin/tokens',
      admin.request('POST', '/admin/tokens', { name: 'openapi', scopes: ['publish'], environments: [created] }),
    );
    await check('POST', '/admin/tokens', admin.request('POST', '/admin/tokens', { name: 'openapi', scopes: ['subscriptions'] })); // 400
    await check('GET', '/admin/tokens', admin.request('GET', '/admin/tokens'));
    const operational = '/admin/operational-webhook';
    await check('PUT', operational, admin.request('PUT', operational, { url: t.receiver.url('/openapi-operations') }));
    await check('PUT', operational, admin.request('PUT', operational, { url: 'http://plain.example/operations' })); // 400
    await check('GET', operational, admin.request('GET', operational));
    await check('DELETE', operational, admin.request('DELETE', operational));
    await check('GET', operational, admin.request('GET', operational)); // 404
    await check('DELETE', operational, admin.request('DELETE', operational)); // 404
    await check('DELETE', '/admin/tokens/{tokenId}', admin.request('DELETE', `/admin/tokens/${serviceToken.body.id}`));
    await check('DELETE', '/admin/tokens/{tokenId}', admin.request('DELETE', '/admin/tokens/tok_nothing')); // 404

    // Subscriptions
    const subscribed = await check('PUT', '/webhooks/subscribe', api.subscribe(t.receiver.url('/openapi'), [`${ns}.checked`]));
    await check('PUT', '/webhooks/subscribe', api.subscribe('http://plain.example/hooks')); // 400
    await check('PUT', '/webhooks/subscribe', api.as({ token, environment: 'elsewhere' }).subscribe(t.receiver.url('/x'))); // 403
    await check('PUT', '/webhooks/subscribe', api.as({ token, environment, version: '1999-01' }).subscribe(t.receiver.url('/x'))); // 400
    await check('PUT', '/webhooks/subscribe', api.request('PUT', '/webhooks/subscribe', 'url=x', { 'content-type': 'text/plain' })); // 415
    await check('PUT', '/webhooks/subscribe', api.request('PUT', '/webhooks/subscribe', { url: 'x'.repeat(1_100_000) })); // 413
    const id = subscribed.body.id as string;
    await check('GET', '/webhooks/subscriptions', api.request('GET', '/webhooks/subscriptions?limit=5'));
    await check('GET', '/webhooks/subscriptions', api.request('GET', '/webhooks/subscriptions?limit=500')); // 400
    await check('GET', '/webhooks/subscriptions/{id}', api.request('GET', `/webhooks/subscriptions/${id}`));
    await check('GET', '/webhooks/subscriptions/{id}', api.request('GET', '/webhooks/subscriptions/sub_nothing')); // 404
    await check('PATCH', '/webhooks/subscriptions/{id}', api.request('PATCH', `/webhooks/subscriptions/${id}`, { eventTypes: [] }));
    await check('POST', '/webhooks/subscriptions/{id}/rotate-key', api.request('POST', `/webhooks/subscriptions/${id}/rotate-key`, { overlap: '1h' }));

    // Event catalog
    const declaration = {
      description: 'Checked by the OpenAPI test',
      schema: { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } },
      example: { n: 1 },
    };
    await check('PUT', '/event-types/{name}', admin.request('PUT', `/event-types/${ns}.checked`, declaration));
    await check('PUT', '/event-types/{name}', service.request('PUT', `/event-types/${ns}.by-service`, declaration)); // a service token with catalog
    await check('PUT', '/event-types/{name}', api.request('PUT', `/event-types/${ns}.checked`, declaration)); // 403: an environment's token never holds catalog
    const badExample = await check('PUT', '/event-types/{name}', admin.request('PUT', `/event-types/${ns}.checked`, { ...declaration, example: { n: 'one' } })); // 422
    expect(badExample.body.errors).toEqual([{ instancePath: '/n', keyword: 'type', message: 'must be integer' }]);
    await check('PUT', '/event-types/{name}', admin.request('PUT', `/event-types/${ns}.checked`, { ...declaration, schema: { requird: ['n'] } })); // 400
    await check('PUT', '/event-types/{name}', admin.request('PUT', `/event-types/${ns}.archived`, { description: 'Archived at once' }));
    await check('DELETE', '/event-types/{name}', admin.request('DELETE', `/event-types/${ns}.archived`));
    await check('DELETE', '/event-types/{name}', admin.request('DELETE', `/event-types/${ns}.nothing`)); // 404
    const catalog = await check('GET', '/webhooks/event-types', api.request('GET', '/webhooks/event-types'));
    expect(ownTypes(catalog.body.items as { name: string }[], ns).map((type) => type.name)).toEqual([`${ns}.archived`, `${ns}.by-service`, `${ns}.checked`]);
    const page = await api.send('GET', '/webhooks/event-types', undefined, { accept: 'text/html' });
    await check('GET', '/webhooks/event-types', Promise.resolve({ status: page.status, body: page.text, headers: page.headers }));
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);

    // Events and notifications
    const published = await check('POST', '/events', api.publish(`${ns}.checked`, { n: 1, nested: { ok: true } }));
    await check('POST', '/events', api.publish(`${ns}.checked`, [1] as unknown)); // 400
    await check('POST', '/events', api.as({}).publish(`${ns}.checked`, {})); // 401
    const mismatch = await check('POST', '/events', api.publish(`${ns}.checked`, { n: 'one' })); // 422, with the violations
    expect(mismatch.body.errors).toEqual([{ instancePath: '/n', keyword: 'type', message: 'must be integer' }]);
    await check('POST', '/events', api.publish(`${ns}.archived`, {})); // 422, archived
    await deliveredEvent(api, published.body.id);
    const event = await check('GET', '/events/{id}', api.request('GET', `/events/${published.body.id}`));
    await check('GET', '/events/{id}', api.request('GET', '/events/evt_nothing')); // 404
    await check('GET', '/events/{id}/notifications', api.request('GET', `/events/${published.body.id}/notifications?limit=1`));
    await check('GET', '/events/{id}/notifications', api.request('GET', '/events/evt_nothing/notifications')); // 404
    const notification = event.body.notifications[0].id as string;
    await check('GET', '/notifications/{id}', api.request('GET', `/notifications/${notification}`));
    await check('GET', '/notifications/{id}/attempts', api.request('GET', `/notifications/${notification}/attempts`));
    await check('GET', '/notifications/{id}/attempts', api.request('GET', '/notifications/ntf_nothing/attempts')); // 404
    await check('POST', '/notifications/{id}/redeliver', api.request('POST', `/notifications/${notification}/redeliver`));
    await check('POST', '/notifications/{id}/redeliver', api.request('POST', '/notifications/ntf_nothing/redeliver')); // 404
    await waitFor(
      () => check('GET', '/notifications/{id}', api.request('GET', `/notifications/${notification}`)),
      (r) => r.body.status === 'succeeded' && r.body.attempts.at(-1)?.trigger === 'redeliver',
    );
    // The list of an environment's notifications, and a test event (issue 25).
    await check('GET', '/notifications', api.request('GET', `/notifications?limit=2&status=succeeded&eventType=${ns}.checked&subscriptionId=${id}`));
    await check('GET', '/notifications', api.request('GET', '/notifications?status=nope')); // 400
    const testRoute = '/webhooks/subscriptions/{id}/test';
    const tested = await check('POST', testRoute, api.request('POST', `/webhooks/subscriptions/${id}/test`, { type: `${ns}.checked` }));
    await check('POST', testRoute, api.request('POST', `/webhooks/subscriptions/${id}/test`, { type: `${ns}.archived` })); // 422: no example
    await check('POST', testRoute, api.request('POST', '/webhooks/subscriptions/sub_nothing/test', { type: `${ns}.checked` })); // 404
    await waitFor(
      () => check('GET', '/notifications/{id}', api.request('GET', `/notifications/${tested.body.notificationId}`)),
      (r) => r.body.status === 'succeeded' && r.body.test === true,
    );
    // A notification its paused subscription holds: pending, with what Temporal knows of it, and not redelivered (409).
    await check('PATCH', '/webhooks/subscriptions/{id}', api.request('PATCH', `/webhooks/subscriptions/${id}`, { status: 'paused' }));
    const heldEvent = await check('POST', '/events', api.publish(`${ns}.checked`, { n: 2 }));
    const held = (await check('GET', '/events/{id}', api.request('GET', `/events/${heldEvent.body.id}`))).body.notifications[0].id as string;
    await waitFor(
      () => check('GET', '/notifications/{id}', api.request('GET', `/notifications/${held}`)),
      (r) => r.body.temporal !== null,
    );
    await check('POST', '/notifications/{id}/redeliver', api.request('POST', `/notifications/${held}/redeliver`)); // 409
    await check('POST', testRoute, api.request('POST', `/webhooks/subscriptions/${id}/test`, { type: `${ns}.checked` })); // 409: paused
    // Ordering keys and skip (issue 22): the held notification is skipped, and then cannot be again (409).
    await check('GET', '/webhooks/subscriptions/{id}/ordering/{key}', api.request('GET', `/webhooks/subscriptions/${id}/ordering/in_42`));
    await check(
      'GET',
      '/webhooks/subscriptions/{id}/ordering/{key}',
      api.request('GET', `/webhooks/subscriptions/${id}/ordering/${encodeURIComponent('bad\tkey')}`),
    ); // 400
    await check('POST', '/notifications/{id}/skip', api.request('POST', `/notifications/${held}/skip`));
    await check('POST', '/notifications/{id}/skip', api.request('POST', `/notifications/${held}/skip`)); // 409

    // Recoveries
    const recover = (body: object, subscription = id) => api.request('POST', `/webhooks/subscriptions/${subscription}/recover`, body);
    const recovery = await check('POST', '/webhooks/subscriptions/{id}/recover', recover({ since: new Date(Date.now() - 3_600_000).toISOString() }));
    await waitFor(
      () => check('GET', '/recoveries/{id}', api.request('GET', `/recoveries/${recovery.body.id}`)),
      (r) => r.body.status === 'completed',
    );
    await check('GET', '/recoveries/{id}', api.request('GET', '/recoveries/rcv_nothing')); // 404
    await check('POST', '/webhooks/subscriptions/{id}/recover', recover({ since: 'yesterday' })); // 400
    await check('POST', '/webhooks/subscriptions/{id}/recover', recover({ since: '2020-01-01T00:00:00Z' }, 'sub_nothing')); // 404
    // A recovery still running over January 2020 (as if its workflow were busy) refuses an overlapping one.
    const running = await new RecoveryRepository(t.app.db).create({
      id: newId('rcv'),
      environmentId: environment,
      subscriptionId: id,
      since: new Date('2020-01-01T00:00:00Z'),
      until: new Date('2020-02-01T00:00:00Z'),
      windowMs: 60_000,
      policy: deliveryPolicyOf(t.app.config.delivery),
    });
    expect(running.outcome).toBe('created');
    await check('POST', '/webhooks/subscriptions/{id}/recover', recover({ since: '2020-01-15T00:00:00Z', until: '2020-03-01T00:00:00Z' })); // 409
    // Temporal refuses the start: 503, nothing redelivered.
    const start = jest.spyOn(t.app.api.http.get(RecoveryWorkflows), 'start').mockRejectedValueOnce(new Error('14 UNAVAILABLE: connection refused'));
    try {
      await check('POST', '/webhooks/subscriptions/{id}/recover', recover({ since: '2019-01-01T00:00:00Z', until: '2019-02-01T00:00:00Z' })); // 503
    } finally {
      start.mockRestore();
    }

    // The data lifecycle: a dry run of the purge, a purge now, an event's data erased
    await check('GET', '/admin/purge', admin.request('GET', '/admin/purge'));
    await check('POST', '/admin/purge', admin.request('POST', '/admin/purge'));
    await check('DELETE', '/events/{id}/data', api.request('DELETE', `/events/${heldEvent.body.id}/data`));
    await check('DELETE', '/events/{id}/data', api.request('DELETE', '/events/evt_nothing/data')); // 404

    await check('DELETE', '/webhooks/subscriptions/{id}', api.request('DELETE', `/webhooks/subscriptions/${id}`));

    // Every operation of the document was answered with a success at least once.
    const succeeded = new Set([...checker.seen].filter((seen) => / 2\d\d$/.test(seen)).map((seen) => seen.replace(/ \d+$/, '')));
    const operations = Object.entries(document.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`));
    expect(operations.filter((operation) => !succeeded.has(operation))).toEqual([]);
  });

  it('the answers the CLI unit tests stub (test/support/api-answers.ts) are answers the document describes', () => {
    const checker = new ResponseChecker(document);
    const headers = new Headers({ 'content-type': 'application/json', 'x-request-id': 'req_stubbed' });
    for (const { method, template, status, body } of stubbedAnswers()) checker.check(method, template, { status, body, headers });
    expect(checker.seen.size).toBe(7);
  });

  it('the response check can fail: a body that does not match its schema is refused', () => {
    const checker = new ResponseChecker(document);
    const wrong = { status: 200, body: { status: 'ok', items: 'not a list' }, headers: new Headers({ 'x-request-id': 'r' }) };
    expect(() => checker.check('GET', '/webhooks/subscriptions', wrong)).toThrow(/does not match its schema/);
    expect(() => checker.check('GET', '/webhooks/subscriptions', { ...wrong, status: 418 })).toThrow(/does not list/);
    // A field the DTO answers without describing it is refused too.
    const undescribed = { ...wrong, body: { items: [], nextCursor: null, total: 0 } };
    expect(() => checker.check('GET', '/webhooks/subscriptions', undescribed)).toThrow(/must NOT have additional properties/);
    expect(() => checker.check('GET', '/webhooks/subscriptions', { ...undescribed, body: { items: [], nextCursor: null } })).not.toThrow();
  });
});
