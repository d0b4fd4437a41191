import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { freePort } from '../../../src/lib/free-port';
import { type RunningCli, startCli } from '../../support/cli-harness';
import { StubApi } from '../../support/stub-api';

const SUB = 'sub_01KLISTENAAAAAAAAAAAAAAAAA';
const KEY = `whsec_${randomBytes(24).toString('base64')}`;

/** A POST over HTTPS to `url`, trusting `ca` only. */
function post(url: string, ca: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', ca, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res
        .setEncoding('utf8')
        .on('data', (chunk: string) => (text += chunk))
        .on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject).end(body);
  });
}

/** What the API sends: the body and its Standard Webhooks headers, signed with `key`. */
function notification(id: string, type: string, key = KEY) {
  const body = JSON.stringify({ id: 'evt_1', type, createdAt: new Date().toISOString(), environment: 'sandbox', data: { amount: 42 } });
  const at = new Date();
  const headers = { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(key).sign(id, at, body) };
  return { body, headers };
}

describe('plude listen (stub API, real HTTPS)', () => {
  let api: StubApi;
  let dataDir: string;
  beforeAll(async () => {
    api = await StubApi.start();
    dataDir = await mkdtemp(path.join(tmpdir(), 'plude-listen-'));
  });
  afterAll(async () => {
    await api.stop();
    await rm(dataDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    api.reset();
    api.on('PUT', '/webhooks/subscribe', (req) => ({
      status: 200,
      body: { id: SUB, url: JSON.parse(req.body).url, signatureKey: KEY, eventTypes: [], createdAt: 'now' },
    }));
    api.on('DELETE', `/webhooks/subscriptions/${SUB}`, { status: 204 });
  });

  async function listen(...extra: string[]): Promise<{ cli: RunningCli; url: string; ca: string }> {
    const port = await freePort();
    const cli = startCli(['listen', '--port', String(port), ...extra], { env: { PLUDE_URL: api.url, PLUDE_TOKEN: 'pwh_stub', DATA_DIR: dataDir } });
    await cli.printed(extra.includes('--json') ? /"listening"/ : /Ctrl-C stops/);
    const ca = await readFile(path.join(dataDir, 'dev-ca', 'ca.pem'), 'utf8');
    return { cli, url: `https://localhost:${port}/webhooks`, ca };
  }

  it('subscribes its own localhost URL, verifies each notification, prints a line for it, and deletes the subscription on Ctrl-C', async () => {
    const { cli, url, ca } = await listen();
    expect(JSON.parse(api.made('PUT', '/webhooks/subscribe')[0].body)).toEqual({ url });
    expect(cli.stdout).toContain(
      `Ready. Receiving notifications at ${url}\n  subscription ${SUB} in environment sandbox, for every event type\n  signature key ${KEY}`,
    );
    // PLUDE_URL names the API: a bare `npx plude events publish` in another terminal would not reach it, so none is suggested.
    expect(cli.stdout).not.toContain('Publish an event');

    const first = notification('ntf_1', 'invoice.paid');
    expect(await post(url, ca, first.body, first.headers)).toEqual({ status: 200, body: 'verified' });
    await cli.printed(/ntf_1  invoice\.paid  signature verified  attempt 1  answered 200\n/);
    expect(cli.stdout).toMatch(/\n\d\d:\d\d:\d\d  ntf_1  invoice\.paid/);
    // The API tries again: the same webhook-id, a second attempt.
    expect((await post(url, ca, first.body, first.headers)).status).toBe(200);
    await cli.printed(/ntf_1  invoice\.paid  signature verified  attempt 2  answered 200\n/);

    const forged = notification('ntf_2', 'invoice.voided', `whsec_${randomBytes(24).toString('base64')}`);
    expect((await post(url, ca, forged.body, forged.headers)).status).toBe(400);
    await cli.printed(/ntf_2  invoice\.voided  signature NOT verified \(No matching signature found\)  attempt 1  answered 400\n/);

    expect(api.made('DELETE', `/webhooks/subscriptions/${SUB}`)).toEqual([]);
    cli.interrupt();
    expect(await cli.exitCode).toBe(0);
    expect(api.made('DELETE', `/webhooks/subscriptions/${SUB}`)).toHaveLength(1);
    expect(cli.stdout).toMatch(/Stopped\. Subscription sub_01KLISTENAAAAAAAAAAAAAAAAA deleted\.\n$/);
    await expect(post(url, ca, first.body, first.headers)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('forwards body and headers to --forward and answers with its status code', async () => {
    const received: { body: string; headers: IncomingHttpHeaders }[] = [];
    const target = createServer((req, res) => {
      let body = '';
      req
        .setEncoding('utf8')
        .on('data', (chunk: string) => (body += chunk))
        .on('end', () => {
          received.push({ body, headers: req.headers });
          res.writeHead(418).end('teapot');
        });
    }).listen(0, '127.0.0.1');
    await once(target, 'listening');
    const forward = `http://127.0.0.1:${(target.address() as AddressInfo).port}/in`;
    try {
      const { cli, url, ca } = await listen('--forward', forward, '--event-type', 'invoice.paid', 'invoice.voided');
      expect(JSON.parse(api.requests[0].body).eventTypes).toEqual(['invoice.paid', 'invoice.voided']);
      const sent = notification('ntf_3', 'invoice.paid');
      expect(await post(url, ca, sent.body, sent.headers)).toEqual({ status: 418, body: 'teapot' });
      await cli.printed(new RegExp(`ntf_3  invoice\\.paid  signature verified  attempt 1  ${forward} answered 418\\n`));
      expect(received).toEqual([{ body: sent.body, headers: expect.objectContaining({ ...sent.headers, 'content-type': 'application/json' }) }]);
      expect(received[0].headers.host).toBe(new URL(forward).host);
      cli.interrupt();
      expect(await cli.exitCode).toBe(0);
    } finally {
      target.close();
    }
  });

  it('does not forward a POST whose signature does not verify, unless --forward-unverified, which warns', async () => {
    const received: string[] = [];
    const target = createServer((req, res) => {
      received.push(String(req.headers['webhook-id']));
      req.resume().on('end', () => res.writeHead(204).end());
    }).listen(0, '127.0.0.1');
    await once(target, 'listening');
    const forward = `http://127.0.0.1:${(target.address() as AddressInfo).port}/in`;
    const forged = (id: string) => notification(id, 'invoice.paid', `whsec_${randomBytes(24).toString('base64')}`);
    try {
      const strict = await listen('--forward', forward);
      expect(strict.cli.stdout).toContain(`forwarding each verified one to ${forward}`);
      const injected = forged('ntf_6');
      const refused = await post(strict.url, strict.ca, injected.body, injected.headers);
      expect(refused.status).toBe(400);
      expect(refused.body).toMatch(/^signature not verified: .*; not forwarded/);
      await strict.cli.printed(/ntf_6  invoice\.paid  signature NOT verified \(No matching signature found\)  attempt 1  not forwarded: answered 400\n/);
      const genuine = notification('ntf_7', 'invoice.paid');
      expect((await post(strict.url, strict.ca, genuine.body, genuine.headers)).status).toBe(204);
      expect(received).toEqual(['ntf_7']);
      expect(strict.cli.stderr).not.toContain('Warning');
      strict.cli.interrupt();
      expect(await strict.cli.exitCode).toBe(0);

      const loose = await listen('--forward', forward, '--forward-unverified');
      expect(loose.cli.stderr).toContain('Warning: --forward-unverified passes on POSTs whose signature did not verify');
      const passed = forged('ntf_8');
      expect((await post(loose.url, loose.ca, passed.body, passed.headers)).status).toBe(204);
      expect(received).toEqual(['ntf_7', 'ntf_8']);
      loose.cli.interrupt();
      expect(await loose.cli.exitCode).toBe(0);
    } finally {
      target.close();
    }
  });

  it('refuses --forward-unverified without --forward', async () => {
    const cli = startCli(['listen', '--forward-unverified'], { env: { PLUDE_URL: api.url, PLUDE_TOKEN: 'pwh_stub', DATA_DIR: dataDir } });
    expect(await cli.exitCode).not.toBe(0);
    expect(cli.stderr).toContain('--forward-unverified goes with --forward <url>');
    expect(api.made('PUT', '/webhooks/subscribe')).toEqual([]);
  });

  it('answers 502 when the --forward URL cannot be reached, and says so', async () => {
    const forward = `http://127.0.0.1:${await freePort()}/gone`;
    const { cli, url, ca } = await listen('--forward', forward);
    const sent = notification('ntf_4', 'invoice.paid');
    expect((await post(url, ca, sent.body, sent.headers)).status).toBe(502);
    await cli.printed(new RegExp(`ntf_4  invoice\\.paid  signature verified  attempt 1  forward to ${forward} failed \\(ECONNREFUSED\\): answered 502`));
    cli.interrupt();
    expect(await cli.exitCode).toBe(0);
  });

  it('prints a JSON object a line with --json', async () => {
    const { cli, url, ca } = await listen('--json');
    const sent = notification('ntf_5', 'invoice.paid');
    await post(url, ca, sent.body, sent.headers);
    await cli.printed(/"webhookId":"ntf_5"/);
    cli.interrupt();
    expect(await cli.exitCode).toBe(0);
    const lines = cli.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toEqual([
      { listening: url, environment: 'sandbox', subscriptionId: SUB, signatureKey: KEY, forward: null },
      { at: expect.any(String), webhookId: 'ntf_5', type: 'invoice.paid', verified: true, attempt: 1, status: 200 },
      { stopped: true, subscriptionId: SUB, deleted: true },
    ]);
  });

  it('says how to allow localhost when the environment refuses private targets, exit 1, nothing left subscribed', async () => {
    api.on('PUT', '/webhooks/subscribe', { status: 400, body: { statusCode: 400, error: 'private_target', message: 'url host localhost is a local name; …' } });
    const port = await freePort();
    const cli = startCli(['listen', '--port', String(port), '--environment', 'production'], {
      env: { PLUDE_URL: api.url, PLUDE_TOKEN: 'pwh_stub', DATA_DIR: dataDir },
    });
    expect(await cli.exitCode).toBe(1);
    expect(cli.stderr).toBe(
      'plude: environment production does not allow private targets, so it cannot deliver to localhost. Allow them with: ' +
        'plude environments update production --allow-private-targets (admin token), or listen in the sandbox environment.\n',
    );
    expect(api.requests.map((r) => r.method)).toEqual(['PUT']);
  });

  it('says when the port is taken, exit 1', async () => {
    const busy = createServer().listen(0, '127.0.0.1');
    await once(busy, 'listening');
    const { port } = busy.address() as AddressInfo;
    try {
      const cli = startCli(['listen', '--port', String(port)], { env: { PLUDE_URL: api.url, PLUDE_TOKEN: 'pwh_stub', DATA_DIR: dataDir } });
      expect(await cli.exitCode).toBe(1);
      expect(cli.stderr).toBe(`plude: port ${port} is in use on localhost: choose another with --port\n`);
      expect(api.requests).toEqual([]);
    } finally {
      busy.close();
    }
  });
});
