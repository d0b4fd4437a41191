import { readFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { createGunzip } from 'node:zlib';
import { Webhook } from 'standardwebhooks';
import { Agent, request } from 'undici';
import { generateSigningSecret, webhookHeaders } from '../../src/domain/signature';
import { createHttpSender } from '../../activities/http/sender';
import * as chaos from '../chaos/support/receivers';

/** The chaos suite's receivers, each driven by a plain client that trusts the chaos CA only. */
describe('chaos receivers', () => {
  let ca: chaos.ChaosCa;
  let client: Agent;
  const stops: { stop(): Promise<void> }[] = [];
  async function started<T extends { stop(): Promise<void> }>(receiver: Promise<T>): Promise<T> {
    stops.push(await receiver);
    return stops[stops.length - 1] as T;
  }
  const post = (url: string, body = '{}', headers: Record<string, string> = {}, signal?: AbortSignal) =>
    request(url, { method: 'POST', body, headers, dispatcher: client, signal });
  /** The error code a request failed with (the error's name when it has no string code), or 'no error'. */
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => 'no error',
      (err: Error & { code?: unknown }) => (typeof err.code === 'string' ? err.code : err.name),
    );

  beforeAll(async () => {
    ca = await chaos.chaosCa();
    client = new Agent({ connect: { ca: ca.cert }, pipelining: 0 });
    // undici prepares its parser on first use; the timing assertions should not measure that.
    const warm = await started(chaos.CountingReceiver.start());
    await (await post(warm.url('/warm-up'))).body.dump();
  });
  afterAll(async () => {
    await Promise.all(stops.map((receiver) => receiver.stop()));
    await client.close();
  });

  it('has one CA per process, its file the certificate the service trusts', async () => {
    expect(await chaos.chaosCa()).toBe(ca);
    expect(await readFile(ca.caFile, 'utf8')).toBe(ca.cert);
    const receiver = await started(chaos.CountingReceiver.start());
    expect(receiver.caFile).toBe(ca.caFile);
  });

  it('CountingReceiver: answers per webhook-id and per path, records raw bodies, waits on events', async () => {
    const receiver = await started(chaos.CountingReceiver.start({ responder: (_r, _i, n) => (n <= 2 ? 500 : 200) }));
    const s2 = receiver.subscription('/s2');
    s2.respond(() => ({ status: 202, headers: { 'retry-after': '7' }, body: 'later', delayMs: 50 }));
    const arrived = s2.waitFor((requests) => requests.length === 1);

    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await post(receiver.url('/s1?x=1'), 'a', { 'webhook-id': 'ntf_a' })).statusCode);
    expect(statuses).toEqual([500, 500, 200]);
    expect((await post(receiver.url('/s1'), 'b', { 'webhook-id': 'ntf_b' })).statusCode).toBe(500);

    const raw = Buffer.from([0xff, 0x00, 0xc3]);
    const answered = await request(s2.url, { method: 'POST', body: raw, headers: { 'webhook-id': 'ntf_c' }, dispatcher: client });
    expect([answered.statusCode, answered.headers['retry-after'], await answered.body.text()]).toEqual([202, '7', 'later']);
    expect((await arrived)[0].body.equals(raw)).toBe(true);

    expect(receiver.forPath('/s1').map((r) => [r.url, r.webhookId, r.perIdCount, r.answer?.status])).toEqual([
      ['/s1?x=1', 'ntf_a', 1, 500],
      ['/s1?x=1', 'ntf_a', 2, 500],
      ['/s1?x=1', 'ntf_a', 3, 200],
      ['/s1', 'ntf_b', 1, 500],
    ]);
    expect(s2.requests[0]).toMatchObject({ index: 4, pathIndex: 0, method: 'POST', answer: { status: 202 } });
    expect(s2.requests[0].answeredAt! - s2.requests[0].at).toBeGreaterThanOrEqual(45);
    expect([...receiver.countsById()]).toEqual([
      ['ntf_a', 3],
      ['ntf_b', 1],
      ['ntf_c', 1],
    ]);

    const later = receiver.received(6);
    await post(receiver.url('/s3'));
    expect(await later).toHaveLength(6);
    await expect(receiver.received(7, '/s1', { timeoutMs: 50 })).rejects.toThrow(
      /timed out after 50 ms waiting for 7 requests to \/s1; 6 requests \(\/s1: 4, \/s2: 1, \/s3: 1\)/,
    );
  });

  it('verifyAll: counts distinct ids, duplicates, conflicting bodies and bad signatures (the service signs)', async () => {
    const receiver = await started(chaos.CountingReceiver.start());
    const [k1, old, k2] = [generateSigningSecret(), generateSigningSecret(), generateSigningSecret()];
    const now = Math.floor(Date.now() / 1000);
    const send = (path: string, msgId: string, body: string, secrets: string[]) =>
      post(receiver.url(path), body, webhookHeaders({ msgId, timestampSeconds: now, body, secrets }));
    await send('/s1', 'ntf_1', '{"n":1}', [k1]);
    await send('/s1', 'ntf_1', '{"n":1}', [k1]); // a duplicate
    await send('/s1', 'ntf_2', '{"n":2}', [k1]);
    await send('/s1', 'ntf_2', '{"n":2,"changed":true}', [k1]); // conflicting
    await send('/s2', 'ntf_3', '{"n":3}', [k2, old]); // during a rotation
    await send('/s2', 'ntf_4', '{"n":4}', [old]); // signed with a key /s2 no longer has
    await post(receiver.url('/s2'), '{}'); // no webhook headers at all

    const report = chaos.verifyAll(receiver.requests, { '/s1': k1, '/s2': [k2] });
    expect(report).toMatchObject({ requests: 7, distinctIds: 4, duplicates: 2, duplicateIds: ['ntf_1', 'ntf_2'], redundantDeliveries: 2 });
    expect(report).toMatchObject({ conflicting: 1, conflictingIds: ['ntf_2'], badSignatures: 2, staleTimestamps: 0 });
    expect(report.problems).toEqual(['#5 /s2 ntf_4: no signature matches', '#6 /s2 (no webhook-id): missing webhook headers']);
    // The package's own verify agrees on a fresh request.
    const [first] = receiver.requests;
    expect(new Webhook(k1).verify(first.text, first.headers)).toEqual({ n: 1 });
  });

  it('hang: reads the request, never answers, records when the client gave up', async () => {
    const hang = await started(chaos.HangReceiver.start());
    const sentAt = Date.now();
    expect(await failure(post(hang.url('/h'), '{"x":1}', {}, AbortSignal.timeout(300)))).toBe('TimeoutError');
    await hang.waitFor((r) => r.heldMs().length === 1);
    expect(hang.requests[0]).toMatchObject({ path: '/h', bodyBytes: 7, bytesSent: 0 });
    // The connection closed when the client's 300 ms were up; it was held from its accept (a little after the
    // client's timer started: on this loaded machine the client may take a while to connect) until then.
    const [hit] = hang.requests;
    expect(hit.closedAt! - sentAt).toBeGreaterThanOrEqual(295);
    expect(hang.heldMs()).toEqual([hit.closedAt! - hit.connectedAt]);
    expect(hit.connectedAt).toBeGreaterThanOrEqual(sentAt);
    expect(hit.at).toBeGreaterThanOrEqual(hit.connectedAt);
  });

  it('reset: reads the request, then resets the connection', async () => {
    const reset = await started(chaos.ResetReceiver.start());
    expect(await failure(post(reset.url()))).toBe('ECONNRESET');
    expect(reset.hits).toBe(1);
  });

  it('huge: streams 50 MiB to a client that reads it all, and stops when a client leaves early', async () => {
    const huge = await started(chaos.HugeBodyReceiver.start());
    const all = await post(huge.url('/all'));
    let read = 0;
    for await (const chunk of all.body) read += (chunk as Buffer).length;
    expect(read).toBe(50 * 1024 * 1024);
    await huge.waitFor((r) => r.requests[0]?.bytesSent === r.bytes);

    const early = await post(huge.url('/early'));
    for await (const _ of early.body) break; // one chunk, then the body is destroyed
    const [, left] = (await huge.waitFor((r) => r.requests[1]?.closedAt !== undefined)).requests;
    expect(left.bytesSent).toBeLessThan(huge.bytes / 2);
  });

  it('gzipBomb: about 1 MiB on the wire that inflates to 1 GiB of zeros', async () => {
    const bomb = await started(chaos.GzipBombReceiver.start());
    const answer = await post(bomb.url());
    expect(answer.headers['content-encoding']).toBe('gzip');
    const wire = Buffer.from(await answer.body.arrayBuffer());
    expect(wire.length).toBeLessThan(1.1 * 1024 * 1024);
    await bomb.waitFor((r) => r.requests[0]?.bytesSent === wire.length);
    // Inflate a 64 MiB prefix: all zeros, and the inflater is far from done.
    const inflater = createGunzip();
    let inflated = 0;
    let zeros = true;
    inflater.end(wire);
    for await (const chunk of inflater) {
      inflated += (chunk as Buffer).length;
      zeros &&= (chunk as Buffer).every((byte) => byte === 0);
      if (inflated >= 64 * 1024 * 1024) break;
    }
    expect(inflated).toBeGreaterThanOrEqual(64 * 1024 * 1024);
    expect(zeros).toBe(true);
    expect(bomb.inflatedBytes).toBe(1024 * 1024 * 1024);
    expect(chaos.gzipBomb(3 * 1024 * 1024 + 5).length).toBeLessThan(4096);
  });

  it('drip: headers at once, a few bytes per interval, until the client closes', async () => {
    const drip = await started(chaos.DripReceiver.start({ intervalMs: 40 }));
    const answer = await post(drip.url());
    expect(answer.statusCode).toBe(200);
    const chunks: string[] = [];
    for await (const chunk of answer.body) if (chunks.push(String(chunk)) === 3) break;
    expect(chunks.join('')).toBe('dripdripdrip');
    const [hit] = (await drip.waitFor((r) => r.requests[0]?.closedAt !== undefined)).requests;
    expect(hit.bytesSent).toBeGreaterThanOrEqual(12);
    expect(hit.closedAt! - hit.at).toBeGreaterThanOrEqual(100);
  });

  it('redirect: answers 301/302/307/308 with the Location asked; the canaries count whatever reaches them', async () => {
    const redirect = await started(chaos.RedirectReceiver.start());
    const canaries = await started(chaos.startCanaries());
    const targets = [canaries.v4.url('/landing'), chaos.METADATA_URL, ...(canaries.v6 ? [canaries.v6.url('/landing')] : [])];
    expect(canaries.v6?.url('/')).toMatch(/^https:\/\/\[::1\]:\d+\/$/);
    for (const status of [301, 302, 307, 308] as const) {
      for (const target of targets) {
        const answer = await post(redirect.redirectUrl(target, status));
        await answer.body.dump();
        expect([answer.statusCode, answer.headers.location]).toEqual([status, target]);
      }
    }
    expect(redirect.hits).toBe(4 * targets.length);
    expect(canaries.untouched).toBe(true);
    // The canaries are reachable with the same CA: a request that does get there counts.
    for (const canary of [canaries.v4, canaries.v6].filter((c) => c !== null)) {
      expect(await (await post(canary.url('/direct'))).body.text()).toBe('canary');
    }
    expect(canaries.untouched).toBe(false);
  });

  it.each(['selfSigned', 'expired', 'wrongHost'] as const)('TLS %s: the handshake fails with its code; no request gets through', async (kind) => {
    const bad = await started(chaos.BadTlsReceiver.start(kind));
    const code = await new Promise<string>((resolve) => {
      const req = httpsRequest(bad.url('/'), { method: 'POST', ca: ca.cert }, () => resolve('answered'));
      req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
      req.end('{"secret":true}');
    });
    expect(code).toBe(chaos.BAD_TLS_ERROR[kind]);
    expect(await failure(post(bad.url('/')))).toBe(bad.expectedError);
    await bad.waitFor((r) => r.connections === 2 && r.tlsFailures === 2);
    expect([bad.hits, bad.bodyBytesReceived]).toEqual([0, 0]);
  });

  it("provokes in the service's sender what the chaos suite expects", async () => {
    const sender = createHttpSender({
      allowPrivateTargets: true,
      extraCaFiles: [ca.caFile],
      responseBodyLimitBytes: 4096,
      maxConnectionsPerOrigin: 4,
    });
    const [hang, huge, redirect, bad] = await Promise.all([
      started(chaos.HangReceiver.start()),
      started(chaos.HugeBodyReceiver.start()),
      started(chaos.RedirectReceiver.start()),
      started(chaos.startBadTlsReceivers()),
    ]);
    const send = (url: string, timeoutMs = 5000) => sender.send({ url, headers: {}, body: '{}', timeoutMs });
    try {
      await expect(send(hang.url(), 200)).rejects.toMatchObject({ code: 'TIMEOUT' });
      await hang.waitFor((r) => r.heldMs().length === 1);
      await expect(send(huge.url())).resolves.toMatchObject({ statusCode: 200, body: 'x'.repeat(4096) });
      await expect(send(redirect.redirectUrl(chaos.METADATA_URL, 307))).resolves.toMatchObject({ statusCode: 307 });
      for (const kind of ['selfSigned', 'expired', 'wrongHost'] as const) {
        await expect(send(bad[kind].url())).rejects.toMatchObject({ code: chaos.BAD_TLS_ERROR[kind] });
      }
    } finally {
      await sender.close();
    }
  });
});
