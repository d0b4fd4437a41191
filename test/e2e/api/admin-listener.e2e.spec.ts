import { request } from 'node:http';
import { connect } from 'node:net';
import { ADMIN_TOKEN, useTestApp } from '../../support/test-app';

interface Answer {
  status: number;
  retryAfter?: string;
  body: string;
}

/** `method path` on `baseUrl`, from `localAddress` (any 127.0.0.0/8 address: a client address of the test's own). */
function send(baseUrl: string, method: string, path: string, headers: Record<string, string> = {}, localAddress = '127.0.0.1', body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(`${baseUrl}${path}`, { method, localAddress, headers }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () =>
        resolve({ status: incoming.statusCode ?? 0, retryAfter: incoming.headers['retry-after'], body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

/**
 * Issue 26: ADMIN_PORT puts the admin routes, /metrics and /docs on a listener of their own (127.0.0.1 unless
 * ADMIN_HOST says), the listeners have explicit deadlines and a connection cap, and failed admin authentications
 * count against the client address's AUTH_FAILURE_LIMIT.
 */
describe('the admin listener, the server limits and failed admin authentications', () => {
  const t = useTestApp({
    env: {
      ADMIN_PORT: '0',
      AUTH_FAILURE_LIMIT: '0.5/s,burst=3',
      HTTP_HEADERS_TIMEOUT: '1s',
      HTTP_REQUEST_TIMEOUT: '3s',
      HTTP_KEEP_ALIVE_TIMEOUT: '500ms',
      HTTP_MAX_CONNECTIONS: '300',
    },
  });

  it('serves the admin routes, /metrics and /docs on ADMIN_PORT only, the API on PORT only, and the probes on both', async () => {
    const { url, adminUrl } = t.app.api;
    expect(adminUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(adminUrl).not.toBe(url);
    const admins = adminUrl as string;
    const env = await (async () => {
      const created = await send(
        admins,
        'POST',
        '/admin/environments',
        { ...admin, 'content-type': 'application/json' },
        '127.0.0.1',
        JSON.stringify({ id: `env-admin-${Date.now()}` }),
      );
      expect(created.status).toBe(201);
      return JSON.parse(created.body) as { id: string };
    })();

    expect(await send(url, 'GET', `/admin/environments/${env.id}`, admin)).toMatchObject({ status: 404, body: expect.stringContaining('"error":"not_found"') });
    expect((await send(admins, 'GET', `/admin/environments/${env.id}`, admin)).status).toBe(200);
    expect((await send(url, 'GET', '/metrics')).status).toBe(404);
    expect(await send(admins, 'GET', '/metrics')).toMatchObject({ status: 200, body: expect.stringContaining('plude_') });
    expect((await send(url, 'GET', '/docs')).status).toBe(404);
    expect((await send(url, 'GET', '/openapi.json')).status).toBe(404);
    expect((await send(admins, 'GET', '/openapi.json')).status).toBe(200);
    expect((await send(admins, 'GET', '/docs/')).status).toBe(200);
    for (const base of [url, admins]) expect((await send(base, 'GET', '/health/live')).status).toBe(200);

    // A token issued on the admin listener works on PORT, and only there.
    const issued = await send(admins, 'POST', `/admin/environments/${env.id}/tokens`, { ...admin, 'content-type': 'application/json' }, '127.0.0.1', '{}');
    expect(issued.status).toBe(201);
    const { token } = JSON.parse(issued.body) as { token: string };
    const headers = { authorization: `Bearer ${token}`, 'x-environment': env.id, 'x-version': '2022-03' };
    expect((await send(url, 'GET', '/webhooks/subscriptions', headers)).status).toBe(200);
    expect((await send(admins, 'GET', '/webhooks/subscriptions', headers)).status).toBe(404);
  });

  it("test/support's admin client follows ADMIN_PORT: admin routes and /metrics on the admin listener, the rest on PORT", async () => {
    const admin = t.app.admin;
    expect(admin.urlOf('/admin/environments')).toBe(`${t.app.api.adminUrl}/admin/environments`);
    expect(admin.urlOf('/metrics?x=1')).toBe(`${t.app.api.adminUrl}/metrics?x=1`);
    expect(admin.urlOf('/event-types/x')).toBe(`${t.app.api.url}/event-types/x`);
    // Environments are made on the admin listener; their tokens' clients speak to PORT.
    const { id, api } = await t.app.newEnvironment({ allowPrivateTargets: true });
    expect(api.baseUrl).toBe(t.app.api.url);
    expect((await admin.request('GET', `/admin/environments/${id}`)).status).toBe(200);
    expect((await admin.send('GET', '/metrics', undefined)).text).toContain('plude_');
    expect((await admin.as({ token: ADMIN_TOKEN }).request('GET', `/admin/environments/${id}`)).status).toBe(200);
    const type = `adminport${Date.now()}.thing.done`;
    expect((await admin.request('PUT', `/event-types/${type}`, { description: 'Declared on PORT with the admin token.' })).status).toBe(200);
    expect((await api.subscribe(t.receiver.url('/admin-port'), [type])).status).toBe(200);
  });

  it('sets the deadlines and the cap it was given on both listeners, and cuts a client that drips its headers', async () => {
    const server = t.app.api.http.getHttpServer();
    expect({ headers: server.headersTimeout, request: server.requestTimeout, keepAlive: server.keepAliveTimeout, max: server.maxConnections }).toEqual({
      headers: 1000,
      request: 3000,
      keepAlive: 500,
      max: 300,
    });
    for (const base of [t.app.api.url, t.app.api.adminUrl as string]) {
      const { hostname, port } = new URL(base);
      const started = Date.now();
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), hostname, () => socket.write('GET /health/live HTTP/1.1\r\nHost: x\r\n'));
        const drip = setInterval(() => socket.write('X'), 200);
        const chunks: Buffer[] = [];
        // Once the answer comes, no more drips: one written after the server closed would be answered with a reset.
        socket.on('data', (chunk: Buffer) => {
          clearInterval(drip);
          chunks.push(chunk);
        });
        // A drip that crossed the server's close resets the connection: what came before the reset is the answer.
        socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' && chunks.length > 0 ? undefined : reject(err)));
        socket.on('close', () => {
          clearInterval(drip);
          resolve(Buffer.concat(chunks).toString('utf8'));
        });
      });
      const elapsed = Date.now() - started;
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(elapsed).toBeGreaterThanOrEqual(900);
      expect(elapsed).toBeLessThan(2_500);
    }
  });

  it('answers 429 to an address that has used up its failed admin authentications, even with the right token; another address passes', async () => {
    const admins = t.app.api.adminUrl as string;
    const wrong = { authorization: `Bearer ${ADMIN_TOKEN}x` };
    const path = '/admin/environments/nope';
    for (let i = 0; i < 3; i++) expect((await send(admins, 'GET', path, wrong, '127.0.0.26')).status).toBe(401);
    const refused = await send(admins, 'GET', path, wrong, '127.0.0.26');
    expect(refused).toMatchObject({ status: 429, retryAfter: expect.stringMatching(/^\d+$/), body: expect.stringContaining('AUTH_FAILURE_LIMIT') });
    expect((await send(admins, 'GET', path, admin, '127.0.0.26')).status).toBe(429);
    // Another address is not held back: past the guard, an unknown environment.
    expect((await send(admins, 'GET', path, admin, '127.0.0.27')).status).toBe(404);
  });
});
