import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { buildCaList, createHttpSender, fitUtf8, type HttpSender, type LookupFunction, withUserAgent } from '../../activities/http/sender';
import { checkTargetUrl } from '../../src/domain/url-policy';
import { issueLocalhostCertificate, loadOrCreateDevCa } from '../../src/dev/dev-ca';
import { createCertificate } from '../support/certificates';
import { ssrfForms } from '../support/ssrf-forms';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;
interface TestServer {
  server: Server;
  url: string;
  hits: string[];
  connections: number;
}

/** A self-signed server certificate for localhost and 127.0.0.1, marked as a CA: what the sender is told to trust. */
const certificate = () => createCertificate({ keyType: 'ec', isCa: true });

async function startServer(tls: { key: string; cert: string }, handler: Handler): Promise<TestServer> {
  const state = { hits: [] as string[], connections: 0 };
  const server = createServer(tls, (req, res) => {
    state.hits.push(`${req.method} ${req.url}`);
    let body = '';
    req
      .setEncoding('utf8')
      .on('data', (c: string) => (body += c))
      .on('end', () => handler(req, body, res));
  });
  server.on('connection', () => state.connections++);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, { server, url: `https://127.0.0.1:${port}` });
}

async function stopServer(s: TestServer | undefined): Promise<void> {
  if (!s) return;
  s.server.closeAllConnections(); // also ends the deliberately hung /hang request
  await new Promise((resolve) => s.server.close(resolve));
}

/** Streams forever (honouring backpressure) until the client goes away. */
function streamForever(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/plain' });
  const chunk = Buffer.alloc(16 * 1024, 'x');
  const pump = () => {
    while (!res.destroyed && res.write(chunk));
    if (!res.destroyed) res.once('drain', pump);
  };
  pump();
}

/** How long /slow takes to answer. */
const SLOW_ANSWER_MS = 300;

describe('createHttpSender (real local HTTPS)', () => {
  let dir: string;
  let main: TestServer, redirectTarget: TestServer, untrusted: TestServer;
  let sender: HttpSender, strictSender: HttpSender;
  let received: { body: string; headers: IncomingMessage['headers'] } | undefined;
  /** /slow requests being answered now, and the most at once. */
  const slow = { inFlight: 0, maxInFlight: 0 };
  let bigClosed: Promise<unknown>;
  let resolveBigClosed: (v: unknown) => void;

  beforeAll(async () => {
    const [trusted, other] = await Promise.all([certificate(), certificate()]);
    dir = mkdtempSync(join(tmpdir(), 'plude-sender-'));
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, trusted.cert);
    bigClosed = new Promise((r) => (resolveBigClosed = r));

    redirectTarget = await startServer(trusted, (_req, _body, res) => res.end('you should not be here'));
    main = await startServer(trusted, (req, body, res) => {
      switch (req.url) {
        case '/ok':
          received = { body, headers: req.headers };
          return void res.writeHead(200, { 'content-type': 'text/plain' }).end('thanks!');
        case '/redirect':
          return void res.writeHead(302, { location: `${redirectTarget.url}/landing` }).end('moved');
        case '/big':
          res.on('close', () => resolveBigClosed(undefined));
          return streamForever(res);
        case '/busy':
          return void res.writeHead(429, { 'retry-after': '120' }).end('slow down');
        case '/utf8':
          return void res.end('é'.repeat(10)); // 2 bytes each
        case '/hang':
          return; // never answers
        case '/slow':
          slow.maxInFlight = Math.max(slow.maxInFlight, ++slow.inFlight);
          res.on('close', () => slow.inFlight--);
          return void setTimeout(() => res.end('slow'), SLOW_ANSWER_MS);
        default:
          res.writeHead(404).end();
      }
    });
    untrusted = await startServer(other, (_req, _body, res) => res.end('ok'));

    const base = { extraCaFiles: [caFile], responseBodyLimitBytes: 1024, maxConnectionsPerOrigin: 16 };
    sender = createHttpSender({ ...base, allowPrivateTargets: true });
    strictSender = createHttpSender({ ...base, allowPrivateTargets: false });
  });

  afterAll(async () => {
    await Promise.all([sender?.close(), strictSender?.close()]);
    await Promise.all([stopServer(main), stopServer(redirectTarget), stopServer(untrusted)]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const post = (s: HttpSender, url: string, timeoutMs = 5000) =>
    s.send({ url, headers: { 'content-type': 'application/json', 'webhook-id': 'ntf_1' }, body: '{"hello":"world"}', timeoutMs });

  it('POSTs the body and headers and returns status and body', async () => {
    await expect(post(sender, `${main.url}/ok`)).resolves.toEqual({ statusCode: 200, body: 'thanks!', retryAfter: null });
    expect(received?.body).toBe('{"hello":"world"}');
    expect(received?.headers).toMatchObject({ 'content-type': 'application/json', 'webhook-id': 'ntf_1' });
    expect(main.hits).toContain('POST /ok');
  });

  it('sends our user-agent unless the headers name one; withUserAgent keeps a headers object that does as it is', async () => {
    await post(sender, `${main.url}/ok`);
    expect(received?.headers['user-agent']).toBe('plude-webhooks');
    const own = { 'User-Agent': 'theirs', 'webhook-id': 'ntf_1' };
    expect(withUserAgent(own)).toBe(own);
    await sender.send({ url: `${main.url}/ok`, headers: own, body: '{}', timeoutMs: 5000 });
    expect(received?.headers['user-agent']).toBe('theirs');
    expect(withUserAgent({ 'webhook-id': 'ntf_1' })).toEqual({ 'user-agent': 'plude-webhooks', 'webhook-id': 'ntf_1' });
  });

  it('refuses a port ALLOWED_PORTS does not name before connecting (EPORTREFUSED), and sends to an allowed one', async () => {
    const port = Number(new URL(main.url).port);
    const ported = createHttpSender({
      extraCaFiles: [join(dir, 'ca.pem')],
      responseBodyLimitBytes: 64,
      maxConnectionsPerOrigin: 1,
      allowPrivateTargets: true,
      allowedPorts: [443],
    });
    const before = { hits: main.hits.length, connections: main.connections };
    try {
      await expect(post(ported, `${main.url}/ok`)).rejects.toMatchObject({
        code: 'EPORTREFUSED',
        message: `refused: url port ${port} is not allowed; the allowed ports are 443 (ALLOWED_PORTS)`,
      });
      expect({ hits: main.hits.length, connections: main.connections }).toEqual(before);
    } finally {
      await ported.close();
    }
    const allowing = createHttpSender({
      extraCaFiles: [join(dir, 'ca.pem')],
      responseBodyLimitBytes: 64,
      maxConnectionsPerOrigin: 1,
      allowPrivateTargets: true,
      allowedPorts: [443, port],
    });
    try {
      await expect(post(allowing, `${main.url}/ok`)).resolves.toMatchObject({ statusCode: 200 });
    } finally {
      await allowing.close();
    }
  });

  it("returns a receiver's Retry-After as it was sent", async () => {
    await expect(post(sender, `${main.url}/busy`)).resolves.toEqual({ statusCode: 429, body: 'slow down', retryAfter: '120' });
  });

  it('returns a 302 as-is and does not follow the Location', async () => {
    await expect(post(sender, `${main.url}/redirect`)).resolves.toEqual({ statusCode: 302, body: 'moved', retryAfter: null });
    expect(redirectTarget.hits).toEqual([]);
    expect(redirectTarget.connections).toBe(0);
  });

  it('caps a large (endless) response body at the limit and stops reading', async () => {
    const result = await post(sender, `${main.url}/big`);
    expect(result.statusCode).toBe(200);
    expect(result.body).toBe('x'.repeat(1024));
    await bigClosed; // the server sees the connection go away instead of streaming forever
  });

  it('does not split a multi-byte character at the limit', async () => {
    const small = createHttpSender({ allowPrivateTargets: true, extraCaFiles: [join(dir, 'ca.pem')], responseBodyLimitBytes: 5, maxConnectionsPerOrigin: 1 });
    await expect(post(small, `${main.url}/utf8`))
      .resolves.toEqual({ statusCode: 200, body: 'éé', retryAfter: null })
      .finally(() => small.close());
  });

  it('rejects with a readable timeout error', async () => {
    await expect(post(sender, `${main.url}/hang`, 300)).rejects.toMatchObject({ message: 'timeout after 300ms', code: 'TIMEOUT' });
  });

  describe('under load (the per-attempt timeout starts when the request has a connection)', () => {
    const concurrently = (s: HttpSender, n: number, timeoutMs: number) =>
      Promise.allSettled(Array.from({ length: n }, () => post(s, `${main.url}/slow`, timeoutMs)));
    const outcomes = (results: PromiseSettledResult<unknown>[]) =>
      results.map((r) => (r.status === 'fulfilled' ? r.value : { rejected: (r.reason as Error).message }));
    let loadSender: HttpSender | undefined;
    beforeEach(() => {
      slow.maxInFlight = 0;
    });
    afterEach(() => loadSender?.close());

    it('sends 64 concurrent requests (more than the old pool of 16) at once, and all succeed within the timeout', async () => {
      loadSender = createHttpSender({
        allowPrivateTargets: true,
        extraCaFiles: [join(dir, 'ca.pem')],
        responseBodyLimitBytes: 64,
        maxConnectionsPerOrigin: 64,
      });
      // All 64 reach the receiver together (none queues behind a pool of 16). The timeout is generous: 64 TLS
      // handshakes at once on a busy 2-core machine take a while, and speed is the bench's business.
      const results = await concurrently(loadSender, 64, 5_000);
      expect(outcomes(results)).toEqual(Array(64).fill({ statusCode: 200, body: 'slow', retryAfter: null }));
      expect(slow.maxInFlight).toBeGreaterThan(16);
    });

    it('gives a request that waited for a connection its whole timeout, and never opens more than the limit', async () => {
      loadSender = createHttpSender({ allowPrivateTargets: true, extraCaFiles: [join(dir, 'ca.pem')], responseBodyLimitBytes: 64, maxConnectionsPerOrigin: 4 });
      // Four waves of 300ms: the last answers 1.2s after the requests were made, but 300ms after it went out.
      const results = await concurrently(loadSender, 16, 800);
      expect(outcomes(results)).toEqual(Array(16).fill({ statusCode: 200, body: 'slow', retryAfter: null }));
      expect(slow.maxInFlight).toBe(4);
    });
  });

  it('refuses a private IP literal when private targets are not allowed', async () => {
    // The redirect target never gets a connection from any test, so any connection here would show.
    await expect(post(strictSender, `${redirectTarget.url}/ok`)).rejects.toMatchObject({
      code: 'EPRIVATETARGET',
      message: expect.stringMatching(/127\.0\.0\.1/),
    });
    expect(redirectTarget.connections).toBe(0);
  });

  it('refuses localhost and its subdomains by name, whatever the resolver says (api.localhost may not resolve)', async () => {
    for (const host of ['localhost', 'api.localhost']) {
      const url = `${redirectTarget.url.replace('127.0.0.1', host)}/ok`;
      await expect(post(strictSender, url)).rejects.toMatchObject({ code: 'EPRIVATETARGET', message: `refused: ${host} is a local name` });
    }
    expect(redirectTarget.connections).toBe(0);
  });

  describe('every refused address form', () => {
    let guarded: HttpSender;
    // Names resolve to the loopback address the redirect target listens on.
    const lookup: LookupFunction = (_host, _options, callback) => callback(null, [{ address: '127.0.0.1', family: 4 }]);
    beforeAll(() => (guarded = createHttpSender({ allowPrivateTargets: false, responseBodyLimitBytes: 64, maxConnectionsPerOrigin: 1, lookup })));
    afterAll(() => guarded.close());

    it.each(ssrfForms)('refuses $url ($what) before it connects', async ({ url }) => {
      // Pointed at the redirect target's port, which no test ever reaches: a connection would show.
      const target = new URL(url);
      target.port = new URL(redirectTarget.url).port;
      await expect(post(guarded, target.href)).rejects.toMatchObject({ code: 'EPRIVATETARGET', message: expect.stringMatching(/^refused: /) });
      expect(redirectTarget.connections).toBe(0);
    });
  });

  it('refuses a host name that resolved to a public address at subscribe and resolves to 127.0.0.1 when the delivery connects (DNS rebinding)', async () => {
    const answers = ['93.184.216.34', '127.0.0.1'];
    const asked: string[] = [];
    const lookup: LookupFunction = (hostname, _options, callback) => {
      asked.push(hostname);
      const address = hostname === 'rebind.test' ? answers.shift() : undefined;
      if (address === undefined) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
      callback(null, [{ address, family: 4 }]);
    };
    const resolve = (hostname: string) =>
      new Promise<string[]>((ok, fail) => lookup(hostname, { all: true }, (err, addresses) => (err ? fail(err) : ok(addresses.map((a) => a.address)))));
    // The local server answers on 127.0.0.1 at this port: the second answer points the delivery at it.
    const url = `https://rebind.test:${new URL(main.url).port}/ok`;
    const before = main.hits.length;
    const connections = main.connections;

    await expect(checkTargetUrl(url, { allowPrivateTargets: false, resolve })).resolves.toBeInstanceOf(URL);
    const guarded = createHttpSender({ allowPrivateTargets: false, responseBodyLimitBytes: 64, maxConnectionsPerOrigin: 1, lookup });
    try {
      await expect(post(guarded, url)).rejects.toMatchObject({
        code: 'EPRIVATETARGET',
        message: 'refused: rebind.test resolves to a private or reserved address',
      });
    } finally {
      await guarded.close();
    }
    expect(asked).toEqual(['rebind.test', 'rebind.test']);
    expect(main.hits.length).toBe(before);
    expect(main.connections).toBe(connections);
  });

  it('reaches private addresses for a request that may (its environment allows them), and still refuses one that may not', async () => {
    const byLocalhost = `${main.url.replace('127.0.0.1', 'localhost')}/ok`;
    const allowed = (url: string) => strictSender.send({ url, headers: {}, body: '{}', timeoutMs: 5000, allowPrivateTargets: true });
    await expect(allowed(`${main.url}/ok`)).resolves.toMatchObject({ statusCode: 200 });
    await expect(allowed(byLocalhost)).resolves.toMatchObject({ statusCode: 200 });
    // The kept-alive connections to these origins belong to the other agent: no request that may not reach them uses one.
    await expect(post(strictSender, `${main.url}/ok`)).rejects.toMatchObject({ code: 'EPRIVATETARGET' });
    await expect(post(strictSender, byLocalhost)).rejects.toMatchObject({ code: 'EPRIVATETARGET' });
  });

  it('rejects a certificate that is not trusted', async () => {
    await expect(post(sender, `${untrusted.url}/`)).rejects.toMatchObject({ message: expect.stringMatching(/^certificate: /) });
    expect(untrusted.hits).toEqual([]);
  });

  it('reports connection refused readably', async () => {
    const tmp = await startServer(await certificate(), (_q, _b, res) => res.end());
    await stopServer(tmp); // the port is now free and nothing listens on it
    const port = new URL(tmp.url).port;
    await expect(post(sender, `${tmp.url}/`)).rejects.toMatchObject({ message: `connect ECONNREFUSED 127.0.0.1:${port}`, code: 'ECONNREFUSED' });
  });

  it.each([
    ['a CR LF in a value', { 'webhook-id': 'ntf_1\r\nx-injected: 1' }],
    ['a lone LF in a value', { 'webhook-id': 'ntf_1\nx-injected: 1' }],
    ['a NUL in a value', { 'webhook-id': 'ntf_1\u0000' }],
    ['a CR LF in a name', { 'x-a\r\nx-injected': '1' }],
    ['a space in a name', { 'webhook id': '1' }],
  ])('refuses a header with %s before it connects', async (_, headers) => {
    const hits = main.hits.length;
    await expect(sender.send({ url: `${main.url}/ok`, headers, body: '{}', timeoutMs: 5000 })).rejects.toMatchObject({
      code: 'EHEADER',
      message: expect.stringMatching(/^refused: header /),
    });
    expect(main.hits.length).toBe(hits);
  });

  it('refuses non-https urls', async () => {
    await expect(post(sender, main.url.replace('https', 'http'))).rejects.toMatchObject({ code: 'invalid_url' });
  });

  it('trusts Node roots plus each extra CA file, and fails fast on an unreadable one', () => {
    writeFileSync(join(dir, 'second.pem'), '-----BEGIN CERTIFICATE-----\nsecond\n-----END CERTIFICATE-----\n');
    const ca = buildCaList([join(dir, 'ca.pem'), join(dir, 'second.pem')]);
    expect(ca).toEqual(expect.arrayContaining([...rootCertificates]));
    expect(ca[ca.length - 2]).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(ca[ca.length - 1]).toContain('second');
    expect(() => buildCaList([join(dir, 'ca.pem'), join(dir, 'missing.pem')])).toThrow(/cannot read extra CA file .*missing\.pem/);
  });
});

describe('fitUtf8 (the stored response body)', () => {
  it('keeps text that fits, and NUL becomes U+FFFD, which PostgreSQL text can hold', () => {
    expect(fitUtf8('ok', 10)).toBe('ok');
    expect(fitUtf8('a\u0000b', 10)).toBe('a\uFFFDb');
  });

  it('cuts bytes that were not UTF-8 (each became a 3-byte U+FFFD) to the limit, on a character boundary', () => {
    const binary = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe, 0x00, 0x00]).toString('utf8');
    expect(Buffer.byteLength(binary.replace(/\u0000/g, '\uFFFD'))).toBeGreaterThan(8);
    const fitted = fitUtf8(binary, 8);
    expect(Buffer.byteLength(fitted)).toBeLessThanOrEqual(8);
    expect(fitted).not.toContain('\u0000');
  });
});

describe('the development CA in the sender (privateTargetCaFiles)', () => {
  let dataDir: string;
  beforeAll(() => (dataDir = mkdtempSync(join(tmpdir(), 'plude-sender-dev-ca-'))));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('is trusted for a request that may reach private targets, and not by the public agent', async () => {
    const ca = await loadOrCreateDevCa(dataDir);
    const server = await startServer(await issueLocalhostCertificate(ca), (_req, _body, res) => res.end('ok'));
    const options = { allowPrivateTargets: false, responseBodyLimitBytes: 64, maxConnectionsPerOrigin: 2 };
    const withDevCa = createHttpSender({ ...options, privateTargetCaFiles: [ca.certFile] });
    const asExtraCa = createHttpSender({ ...options, extraCaFiles: [] });
    const send = (s: HttpSender, allowPrivateTargets: boolean) =>
      s.send({ url: `${server.url}/`, headers: {}, body: '{}', timeoutMs: 5000, allowPrivateTargets });
    try {
      await expect(send(withDevCa, true)).resolves.toMatchObject({ statusCode: 200, body: 'ok' });
      await expect(send(withDevCa, false)).rejects.toMatchObject({ code: 'EPRIVATETARGET' });
      await expect(send(asExtraCa, true)).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    } finally {
      await Promise.all([withDevCa.close(), asExtraCa.close(), stopServer(server)]);
    }
  });
});
