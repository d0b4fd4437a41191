import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DnsResolver, DnsTimeoutError, parseHostsFile, type DnsResolverOptions } from '../../src/lib/dns-resolver';
import { LoopbackDnsServer } from '../support/dns-server';

/** The resolver against a real DNS server on 127.0.0.1 that never answers `*.silent.test` (nor AAAA of `v4only.test`). */
describe('DnsResolver', () => {
  let server: LoopbackDnsServer;
  let clock = 0;
  const resolver = (options: Partial<DnsResolverOptions> = {}) =>
    new DnsResolver({ timeoutMs: 400, cacheTtlMs: 30_000, servers: [server.address], hostsFile: null, now: () => clock, ...options });

  beforeAll(async () => {
    server = await LoopbackDnsServer.start({ silent: (name, family) => name.endsWith('.silent.test') || (name === 'v4only.test' && family === 6) });
    server.set('both.test', { addresses: ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'] });
    server.set('v4only.test', { addresses: ['93.184.216.35'] });
    server.set('short.test', { addresses: ['93.184.216.36'], ttl: 1 });
    server.set('zero.test', { addresses: ['93.184.216.37'], ttl: 0 });
    for (const n of [1, 2, 3]) server.set(`n${n}.test`, { addresses: [`93.184.216.${n}`] });
  });
  afterAll(() => server.stop());
  beforeEach(() => (clock = Date.now()));

  it('resolves A and AAAA, IPv4 first', async () => {
    await expect(resolver().lookup('both.test')).resolves.toEqual([
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 },
    ]);
  });

  it('fails a name whose server never answers with "dns timeout" at the deadline, not later', async () => {
    const started = Date.now();
    const failure = await resolver({ timeoutMs: 300 })
      .lookup('a.silent.test')
      .catch((err: unknown) => err);
    const took = Date.now() - started;
    expect(failure).toBeInstanceOf(DnsTimeoutError);
    expect(failure).toMatchObject({ code: 'EDNSTIMEOUT', message: 'dns timeout after 300ms resolving a.silent.test' });
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(1_000);
  });

  it('does not wait the deadline for AAAA once A has answered (a server that drops AAAA queries)', async () => {
    const started = Date.now();
    await expect(resolver({ timeoutMs: 3_000 }).lookup('v4only.test')).resolves.toEqual([{ address: '93.184.216.35', family: 4 }]);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('says ENOTFOUND for a name that does not exist', async () => {
    await expect(resolver().lookup('nope.test')).rejects.toMatchObject({ code: 'ENOTFOUND', message: 'dns ENOTFOUND nope.test' });
  });

  it('keeps an answer for the cache TTL, then asks again', async () => {
    const r = resolver({ cacheTtlMs: 10_000 });
    const before = server.queries('n1.test');
    await r.lookup('n1.test');
    await r.lookup('N1.test.');
    expect(server.queries('n1.test') - before).toBe(2); // A and AAAA, once
    clock += 10_001;
    await r.lookup('n1.test');
    expect(server.queries('n1.test') - before).toBe(4);
  });

  it("keeps an answer no longer than its records' TTL, and not at all with TTL 0 or DNS_CACHE_TTL=0", async () => {
    const r = resolver();
    await r.lookup('short.test');
    await r.lookup('zero.test');
    expect(r.cachedNames).toEqual(['short.test']);
    clock += 1_001;
    const before = server.queries('short.test');
    await r.lookup('short.test');
    expect(server.queries('short.test') - before).toBe(2);
    const uncached = resolver({ cacheTtlMs: 0 });
    await uncached.lookup('n2.test');
    expect(uncached.cachedNames).toEqual([]);
  });

  it('asks once for concurrent lookups of one name, and never caches a timeout', async () => {
    const r = resolver({ timeoutMs: 200 });
    const before = server.queries('n3.test');
    const answers = await Promise.all([r.lookup('n3.test'), r.lookup('n3.test'), r.lookup('n3.test')]);
    expect(answers.map((a) => a[0].address)).toEqual(['93.184.216.3', '93.184.216.3', '93.184.216.3']);
    expect(server.queries('n3.test') - before).toBe(2);
    await expect(r.lookup('b.silent.test')).rejects.toBeInstanceOf(DnsTimeoutError);
    expect(r.cachedNames).toEqual(['n3.test']);
  });

  it('forgets the oldest name past maxEntries', async () => {
    const r = resolver({ maxEntries: 2 });
    for (const name of ['n1.test', 'n2.test', 'n3.test']) await r.lookup(name);
    expect(r.cachedNames).toEqual(['n2.test', 'n3.test']);
  });

  it('answers from the hosts file and for localhost names without asking DNS, and IP literals as they are', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plude-hosts-'));
    writeFileSync(join(dir, 'hosts'), '# comment\n127.0.0.1 localhost\n10.0.0.7 Receiver.internal alias.internal # trailing\n::1 localhost\nnot-an-ip x\n');
    const r = resolver({ hostsFile: join(dir, 'hosts') });
    await expect(r.lookup('receiver.internal')).resolves.toEqual([{ address: '10.0.0.7', family: 4 }]);
    await expect(r.lookup('alias.internal')).resolves.toEqual([{ address: '10.0.0.7', family: 4 }]);
    await expect(r.lookup('localhost')).resolves.toEqual([
      { address: '127.0.0.1', family: 4 },
      { address: '::1', family: 6 },
    ]);
    await expect(r.lookup('api.localhost')).resolves.toEqual([
      { address: '127.0.0.1', family: 4 },
      { address: '::1', family: 6 },
    ]);
    await expect(r.lookup('::1')).resolves.toEqual([{ address: '::1', family: 6 }]);
    expect(server.queries('receiver.internal') + server.queries('localhost') + server.queries('api.localhost')).toBe(0);
    expect(parseHostsFile('1.2.3.4 a\n1.2.3.4 a\n').get('a')).toHaveLength(1);
  });
});
