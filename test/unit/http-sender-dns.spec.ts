import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHttpSender, type HttpSender } from '../../activities/http/sender';
import { DnsResolver } from '../../src/lib/dns-resolver';
import { createCertificate } from '../support/certificates';
import { LoopbackDnsServer } from '../support/dns-server';

const DNS_TIMEOUT_MS = 300;
/** The deadline of the silent lookups that another name's lookup must not wait behind: far above any scheduling stall. */
const LONG_DNS_TIMEOUT_MS = 2_000;

/** The sender's lookups through the bounded resolver, against a real DNS server and a real HTTPS server on 127.0.0.1. */
describe('createHttpSender with the bounded resolver', () => {
  let dns: LoopbackDnsServer;
  let receiver: Server;
  let port: number;
  let connections = 0;
  let sender: HttpSender;
  /** A sender through a resolver of its own, whose lookups wait up to `timeoutMs`. */
  let senderWith: (timeoutMs: number) => HttpSender;

  beforeAll(async () => {
    dns = await LoopbackDnsServer.start({ silent: (name) => name.endsWith('.silent.test') });
    dns.set('receiver.test', { addresses: ['127.0.0.1'] });
    dns.set('rebound.test', { addresses: ['127.0.0.1'] });
    const tls = await createCertificate({ keyType: 'ec', isCa: true, altNames: [{ type: 2, value: 'receiver.test' }] });
    receiver = createServer(tls, (_req, res) => res.end('ok'));
    receiver.on('connection', () => connections++);
    receiver.listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    port = (receiver.address() as AddressInfo).port;
    const caFile = join(mkdtempSync(join(tmpdir(), 'plude-sender-dns-')), 'ca.pem');
    writeFileSync(caFile, tls.cert);
    senderWith = (timeoutMs) => {
      const resolver = new DnsResolver({ timeoutMs, cacheTtlMs: 30_000, servers: [dns.address], hostsFile: null });
      return createHttpSender({ allowPrivateTargets: false, extraCaFiles: [caFile], responseBodyLimitBytes: 64, maxConnectionsPerOrigin: 4, resolver });
    };
    sender = senderWith(DNS_TIMEOUT_MS);
  });
  afterAll(async () => {
    await sender.close();
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
    await dns.stop();
  });

  const post = (host: string, allowPrivateTargets: boolean, via = sender) =>
    via.send({ url: `https://${host}:${port}/hook`, headers: {}, body: '{}', timeoutMs: 5_000, allowPrivateTargets });

  it('reaches a name its DNS server resolves (an environment that allows private targets)', async () => {
    await expect(post('receiver.test', true)).resolves.toMatchObject({ statusCode: 200, body: 'ok' });
  });

  it('fails a name whose name server never answers with "dns timeout" at the DNS deadline, long before the attempt timeout', async () => {
    const before = connections;
    const started = Date.now();
    await expect(post('a.silent.test', true)).rejects.toMatchObject({
      name: 'HttpSendError',
      code: 'DNS_TIMEOUT',
      message: `dns timeout after ${DNS_TIMEOUT_MS}ms resolving a.silent.test`,
    });
    expect(Date.now() - started).toBeLessThan(DNS_TIMEOUT_MS + 700);
    expect(connections).toBe(before);
  });

  it('keeps resolving other names while lookups of silent names wait (no pool of 4 threads to fill)', async () => {
    const own = senderWith(LONG_DNS_TIMEOUT_MS);
    try {
      let silentSettled = 0;
      const silent = Array.from({ length: 12 }, (_, n) =>
        post(`n${n}.silent.test`, true, own).then(
          () => 'answered',
          (err: Error) => (silentSettled++, err.message),
        ),
      );
      await expect(post('receiver.test', true, own)).resolves.toMatchObject({ statusCode: 200 });
      // Behind 4 threads blocked by the silent names, the lookup would have waited for their deadline.
      expect(silentSettled).toBe(0);
      expect(await Promise.all(silent)).toEqual(Array.from({ length: 12 }, (_, n) => `dns timeout after ${LONG_DNS_TIMEOUT_MS}ms resolving n${n}.silent.test`));
    } finally {
      await own.close();
    }
  });

  it('refuses, on the answer its connection would use, a name resolving to a private address (one lookup, no connection)', async () => {
    const before = { connections, queries: dns.queries('rebound.test') };
    await expect(post('rebound.test', false)).rejects.toMatchObject({
      code: 'EPRIVATETARGET',
      message: 'refused: rebound.test resolves to a private or reserved address',
    });
    expect(connections).toBe(before.connections);
    expect(dns.queries('rebound.test') - before.queries).toBe(2); // A and AAAA, once
  });
});
