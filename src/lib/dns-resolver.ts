import { promises as dns } from 'node:dns';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';

/**
 * Bounded DNS (issue 20): host names resolved by c-ares (node:dns's Resolver: A and AAAA over UDP on the event
 * loop), never by getaddrinfo on libuv's 4-thread pool, where a few names whose servers do not answer stall every
 * other lookup of the process. Each lookup has one deadline for both families; answers are kept for at most the
 * cache's TTL (less when the records say less); concurrent lookups of a name share one query. The hosts file
 * (/etc/hosts, read once) answers first, as it does for getaddrinfo, and `localhost` names (RFC 6761) are loopback.
 * Not cacheable-lookup: 7.x is ESM only, has no deadline of its own, and races (or falls back to) dns.lookup, which
 * is the thread pool this is here to keep out of.
 */
export interface DnsResolverOptions {
  /** The whole lookup's deadline (A and AAAA together): past it, a DnsTimeoutError. */
  timeoutMs: number;
  /** How long an answer is kept at most (less when its records' TTL is shorter); 0: never kept. */
  cacheTtlMs: number;
  /** Name servers (`1.2.3.4`, `1.2.3.4:53`, `[::1]:5353`); the system's (/etc/resolv.conf) when empty or absent. */
  servers?: string[];
  /** The hosts file, read once when the resolver is made; null: none. Default /etc/hosts. */
  hostsFile?: string | null;
  /** Names kept in the cache at most, the oldest forgotten first (default 1000). */
  maxEntries?: number;
  /** The clock (tests). */
  now?: () => number;
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** What a process uses when nobody configured it (tests, the bench). */
export const DEFAULT_DNS: DnsResolverOptions = { timeoutMs: 5_000, cacheTtlMs: 30_000 };

/** No answer for either family within the deadline: a failed attempt ("dns timeout …"), retried like any other. */
export class DnsTimeoutError extends Error {
  override readonly name = 'DnsTimeoutError';
  readonly code = 'EDNSTIMEOUT';
  constructor(
    readonly hostname: string,
    timeoutMs: number,
  ) {
    super(`dns timeout after ${timeoutMs}ms resolving ${hostname}`);
  }
}

/** c-ares tries each server this many times within the deadline; the deadline, not c-ares, ends the lookup. */
const TRIES = 2;
/** How long the other family may still take once one has answered with addresses. */
const SECOND_FAMILY_GRACE_MS = 250;
const LOOPBACK: ResolvedAddress[] = [
  { address: '127.0.0.1', family: 4 },
  { address: '::1', family: 6 },
];

const normalName = (hostname: string) => hostname.toLowerCase().replace(/\.$/, '');
const familyOf = (address: string): 4 | 6 => (isIP(address) === 6 ? 6 : 4);

/** `address name [alias…]` lines; `#` starts a comment. A name's addresses in the file's order. */
export function parseHostsFile(text: string): Map<string, ResolvedAddress[]> {
  const hosts = new Map<string, ResolvedAddress[]>();
  for (const line of text.split('\n')) {
    const [address, ...names] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (!address || isIP(address) === 0) continue;
    for (const name of names.map(normalName)) {
      const list = hosts.get(name) ?? [];
      if (!list.some((a) => a.address === address)) list.push({ address, family: familyOf(address) });
      hosts.set(name, list);
    }
  }
  return hosts;
}

function readHosts(file: string | null): Map<string, ResolvedAddress[]> {
  if (file === null) return new Map();
  try {
    return parseHostsFile(readFileSync(file, 'utf8'));
  } catch {
    return new Map();
  }
}

type Family = { addresses: ResolvedAddress[]; ttlSeconds: number } | { error: NodeJS.ErrnoException };

export class DnsResolver {
  private readonly resolver: dns.Resolver;
  private readonly hosts: Map<string, ResolvedAddress[]>;
  private readonly cache = new Map<string, { addresses: ResolvedAddress[]; expiresAt: number }>();
  private readonly inFlight = new Map<string, Promise<ResolvedAddress[]>>();
  private readonly now: () => number;

  constructor(private readonly options: DnsResolverOptions) {
    this.resolver = new dns.Resolver({ timeout: Math.max(1, Math.floor(options.timeoutMs / (TRIES + 1))), tries: TRIES });
    if (options.servers && options.servers.length > 0) this.resolver.setServers(options.servers);
    this.hosts = readHosts(options.hostsFile === undefined ? '/etc/hosts' : options.hostsFile);
    this.now = options.now ?? Date.now;
  }

  /** The addresses of `hostname`, IPv4 first: from the hosts file, the cache, or one query per family. */
  async lookup(hostname: string): Promise<ResolvedAddress[]> {
    if (isIP(hostname) !== 0) return [{ address: hostname, family: familyOf(hostname) }];
    const name = normalName(hostname);
    const fromHosts = this.hosts.get(name);
    if (fromHosts) return fromHosts;
    if (name === 'localhost' || name.endsWith('.localhost')) return LOOPBACK;
    const cached = this.cache.get(name);
    if (cached && cached.expiresAt > this.now()) return cached.addresses;
    if (cached) this.cache.delete(name);
    let pending = this.inFlight.get(name);
    if (!pending) {
      pending = this.query(name).finally(() => this.inFlight.delete(name));
      this.inFlight.set(name, pending);
    }
    return pending;
  }

  /** The address strings only (the URL policy's `resolve`). */
  async addresses(hostname: string): Promise<string[]> {
    return (await this.lookup(hostname)).map((a) => a.address);
  }

  /** Answers kept now (tests). */
  get cachedNames(): string[] {
    return [...this.cache.keys()];
  }

  /**
   * Both families at once, within one deadline. Once one family has addresses, the other gets at most
   * SECOND_FAMILY_GRACE_MS more: a server that drops AAAA queries (some do) costs 250 ms, not the deadline.
   */
  private query(name: string): Promise<ResolvedAddress[]> {
    const started = this.now();
    const { timeoutMs } = this.options;
    const results: Partial<Record<4 | 6, Family>> = {};
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        try {
          resolve(this.settle(name, results, started));
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      };
      let timer = setTimeout(settle, timeoutMs);
      for (const family of [4, 6] as const) {
        void this.queryFamily(name, family).then((result) => {
          results[family] = result;
          if (results[4] && results[6]) return settle();
          if ('addresses' in result && result.addresses.length > 0 && !settled) {
            clearTimeout(timer);
            timer = setTimeout(settle, Math.max(0, Math.min(SECOND_FAMILY_GRACE_MS, started + timeoutMs - this.now())));
          }
        });
      }
    });
  }

  /** What the answers so far make: addresses (kept for their TTL), a DnsTimeoutError, or ENOTFOUND and the like. */
  private settle(name: string, results: Partial<Record<4 | 6, Family>>, started: number): ResolvedAddress[] {
    const answered = [results[4], results[6]].flatMap((r) => (r && 'addresses' in r && r.addresses.length > 0 ? [r] : []));
    const addresses = answered.flatMap((r) => r.addresses);
    if (addresses.length === 0) {
      const failures = [results[4], results[6]].map((r) => (r && 'error' in r ? (r.error.code ?? 'ERROR') : r ? 'ENODATA' : 'ETIMEOUT'));
      if (failures.includes('ETIMEOUT')) throw new DnsTimeoutError(name, this.options.timeoutMs);
      const code = failures.find((c) => c !== 'ENOTFOUND' && c !== 'ENODATA') ?? 'ENOTFOUND';
      throw Object.assign(new Error(`dns ${code} ${name}`), { code, hostname: name });
    }
    const ttlMs = Math.min(this.options.cacheTtlMs, ...answered.map((r) => r.ttlSeconds * 1000));
    if (ttlMs > 0) this.remember(name, addresses, started + ttlMs);
    return addresses;
  }

  private async queryFamily(name: string, family: 4 | 6): Promise<Family> {
    try {
      const records = family === 4 ? await this.resolver.resolve4(name, { ttl: true }) : await this.resolver.resolve6(name, { ttl: true });
      const ttlSeconds = records.length === 0 ? 0 : Math.min(...records.map((r) => r.ttl));
      return { addresses: records.map((r) => ({ address: r.address, family })), ttlSeconds };
    } catch (err) {
      return { error: err as NodeJS.ErrnoException };
    }
  }

  private remember(name: string, addresses: ResolvedAddress[], expiresAt: number): void {
    this.cache.delete(name);
    this.cache.set(name, { addresses, expiresAt });
    const max = this.options.maxEntries ?? 1000;
    for (const oldest of this.cache.keys()) {
      if (this.cache.size <= max) break;
      this.cache.delete(oldest);
    }
  }
}
