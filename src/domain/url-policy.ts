import { promises as dnsPromises } from 'node:dns';
import { isIP } from 'node:net';
import * as ipaddr from 'ipaddr.js';
import { DomainError } from './errors';

/** Who we are allowed to POST to. Pure checks are synchronous; only DNS resolution is async. */
export interface UrlPolicyOptions {
  allowPrivateTargets: boolean;
  /** Resolves a hostname to IP address strings; defaults to the system resolver (dns.lookup). */
  resolve?: (hostname: string) => Promise<string[]>;
}

export const MAX_URL_LENGTH = 2048;
const PRIVATE_HINT =
  'the environment does not allow private targets (admin API: PATCH /admin/environments/:id {"allowPrivateTargets": true}; ALLOW_PRIVATE_TARGETS=true allows them everywhere)';

export async function defaultResolve(hostname: string): Promise<string[]> {
  const results = await dnsPromises.lookup(hostname, { all: true, verbatim: true });
  return results.map((r) => r.address);
}

function invalid(message: string): DomainError {
  return new DomainError('invalid_url', message);
}

export function parseTargetUrl(raw: unknown): URL {
  if (typeof raw !== 'string') throw invalid('url must be a string');
  if (raw.length === 0) throw invalid('url must not be empty');
  if (raw.length > MAX_URL_LENGTH) throw invalid(`url must be at most ${MAX_URL_LENGTH} characters (got ${raw.length})`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid('url is not a valid absolute URL');
  }
  if (url.protocol !== 'https:') throw invalid(`url must use https (got ${url.protocol})`);
  if (!url.hostname) throw invalid('url must have a host');
  if (url.username || url.password) throw invalid('url must not contain credentials (user:password@)');
  // `hash` is '' for a bare trailing '#', so look at the serialized form too.
  if (url.hash || url.href.includes('#')) throw invalid('url must not contain a fragment (#...)');
  return url;
}

/** Strips IPv6 brackets; returns the bare IP if `hostname` is an IP literal, else null. */
export function ipLiteral(hostname: string): string | null {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return isIP(bare) ? bare : null;
}

/** Only ipaddr.js's 'unicast' range counts as public; anything unparsable is not public. */
export function isPublicAddress(ip: string): boolean {
  const bare = ipLiteral(ip);
  if (bare === null) return false;
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.parse(bare);
  } catch {
    return false;
  }
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) {
    addr = (addr as ipaddr.IPv6).toIPv4Address();
  }
  return addr.range() === 'unicast';
}

function isLocalhostName(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost');
}

function refused(host: string, what: string): DomainError {
  return new DomainError('private_target', `url host ${host} ${what}; ${PRIVATE_HINT}`);
}

export async function assertPublicTarget(url: URL, opts: UrlPolicyOptions): Promise<void> {
  if (opts.allowPrivateTargets) return;
  const host = url.hostname;
  const literal = ipLiteral(host);
  if (literal !== null) {
    if (!isPublicAddress(literal)) throw refused(literal, 'is a private address');
    return;
  }
  if (isLocalhostName(host)) throw refused(host, 'is a local name');
  const resolve = opts.resolve ?? defaultResolve;
  let addresses: string[];
  try {
    addresses = await resolve(host);
  } catch (err) {
    const reason = (err as { code?: string }).code ?? (err as Error).message;
    throw new DomainError('invalid_url', `could not resolve host ${host} (${reason})`);
  }
  if (addresses.length === 0) throw new DomainError('invalid_url', `could not resolve host ${host} (no addresses)`);
  const bad = addresses.find((a) => !isPublicAddress(a));
  if (bad !== undefined) throw refused(host, `resolves to private address ${bad}`);
}

export async function checkTargetUrl(raw: unknown, opts: UrlPolicyOptions): Promise<URL> {
  const url = parseTargetUrl(raw);
  await assertPublicTarget(url, opts);
  return url;
}
