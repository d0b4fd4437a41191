import { isIP } from 'node:net';
import * as ipaddr from 'ipaddr.js';
import { DomainError } from './errors';

/** Who we are allowed to POST to. Pure checks are synchronous; only DNS resolution is async. */
export interface UrlPolicyOptions {
  allowPrivateTargets: boolean;
  /**
   * Resolves a hostname to IP address strings: the service's bounded resolver (src/lib/dns-resolver.ts). An error
   * whose code is EDNSTIMEOUT is a lookup that timed out.
   */
  resolve: (hostname: string) => Promise<string[]>;
  /** How to allow private targets, in a refusal's message; an environment's setting by default. */
  privateTargetsHint?: string;
  /** The ports a URL may name (ALLOWED_PORTS); null or empty: any port. */
  allowedPorts?: readonly number[] | null;
  /**
   * Told the address a host name resolved to when that refuses it: the answer never names it (it would map internal
   * DNS for any token holder), so the caller logs it.
   */
  onRefusedAddress?: (host: string, address: string) => void;
}

/** The wording of a refusal for a name that resolves to a non-public address; the address itself is logged only. */
export const RESOLVES_TO_PRIVATE = 'resolves to a private or reserved address';

export const MAX_URL_LENGTH = 2048;
/** Spaces, C0 and C1 control characters, DEL and the Unicode line and paragraph separators. */
const UNSAFE_URL_CHARACTER = /[\u0000-\u0020\u007f-\u009f\u2028\u2029]/;
const PRIVATE_HINT =
  'the environment does not allow private targets (admin API: PATCH /admin/environments/:id {"allowPrivateTargets": true}; ALLOW_PRIVATE_TARGETS=true allows them everywhere)';

function invalid(message: string): DomainError {
  return new DomainError('invalid_url', message);
}

export function parseTargetUrl(raw: unknown): URL {
  if (typeof raw !== 'string') throw invalid('url must be a string');
  if (raw.length === 0) throw invalid('url must not be empty');
  if (raw.length > MAX_URL_LENGTH) throw invalid(`url must be at most ${MAX_URL_LENGTH} characters (got ${raw.length})`);
  // The URL parser drops tabs and line breaks anywhere and trims spaces and control characters at the ends, so a
  // URL that had them would be stored as something else than what was sent: refuse them before it parses.
  const unsafe = UNSAFE_URL_CHARACTER.exec(raw);
  if (unsafe) {
    const codePoint = `U+${unsafe[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    throw invalid(`url must not contain spaces or control characters (${codePoint} at position ${unsafe.index})`);
  }
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

/** The port `url` connects to: its own, or https's 443. */
export function portOf(url: URL): number {
  return url.port === '' ? 443 : Number(url.port);
}

/**
 * Why `url`'s port is refused by ALLOWED_PORTS (`allowed`; null or empty: any port), or null. Subscribe and the
 * sender both ask this, so that a refused port is never connected to: the service is no port scanner.
 */
export function refusedPort(url: URL, allowed: readonly number[] | null | undefined): string | null {
  if (!allowed || allowed.length === 0) return null;
  const port = portOf(url);
  return allowed.includes(port) ? null : `url port ${port} is not allowed; the allowed ports are ${allowed.join(', ')} (ALLOWED_PORTS)`;
}

/** Strips IPv6 brackets; returns the bare IP if `hostname` is an IP literal, else null. */
export function ipLiteral(hostname: string): string | null {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return isIP(bare) ? bare : null;
}

/** `::/96`: IPv4-compatible IPv6 (deprecated, RFC 4291), e.g. `[::127.0.0.1]`, which URL writes `[::7f00:1]`. */
const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');

/**
 * Only ipaddr.js's 'unicast' range counts as public; anything unparsable is not public. That refuses, besides the
 * private, loopback, link-local, CGNAT, reserved, broadcast and multicast ranges, the IPv6 forms that embed an
 * IPv4 address or tunnel to one (NAT64 `64:ff9b::/96` and `64:ff9b:1::/48`, 6to4 `2002::/16`, Teredo
 * `2001::/32`, SIIT `::ffff:0:0:0/96`), and `::/96`, which ipaddr.js counts as unicast. An IPv4-mapped address
 * (`::ffff:a.b.c.d`) is judged by its IPv4 address.
 */
export function isPublicAddress(ip: string): boolean {
  const bare = ipLiteral(ip);
  if (bare === null) return false;
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    // ipaddr.js reads `::a.b.c.d` as `::ffff:a.b.c.d`; the URL parser writes every IPv6 address in plain hex first.
    addr = ipaddr.parse(isIP(bare) === 6 ? new URL(`https://[${bare}]/`).hostname.slice(1, -1) : bare);
  } catch {
    return false;
  }
  if (addr.kind() === 'ipv6') {
    const v6 = addr as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) addr = v6.toIPv4Address();
    else if (v6.match(IPV4_COMPATIBLE)) return false;
  }
  return addr.range() === 'unicast';
}

/** `localhost` and its subdomains (RFC 6761), which name this host whatever DNS says. */
export function isLocalhostName(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost');
}

function refused(host: string, what: string, hint = PRIVATE_HINT): DomainError {
  return new DomainError('private_target', `url host ${host} ${what}; ${hint}`);
}

/**
 * Why `hostname` is refused without asking DNS: a non-public IP literal, or a local name (`localhost` and its
 * subdomains); null when it is a public literal or only DNS can tell. Subscribe and the sender both ask this.
 */
export function refusedWithoutLookup(hostname: string): string | null {
  const literal = ipLiteral(hostname);
  if (literal !== null) return isPublicAddress(literal) ? null : 'is a private address';
  return isLocalhostName(hostname) ? 'is a local name' : null;
}

export async function assertPublicTarget(url: URL, opts: UrlPolicyOptions): Promise<void> {
  if (opts.allowPrivateTargets) return;
  const host = url.hostname;
  const literal = ipLiteral(host);
  const reason = refusedWithoutLookup(host);
  if (reason !== null) throw refused(literal ?? host, reason, opts.privateTargetsHint);
  if (literal !== null) return;
  let addresses: string[];
  try {
    addresses = await opts.resolve(host);
  } catch (err) {
    const code = (err as { code?: string }).code;
    // Its addresses cannot be checked, so it is refused; the name servers may answer the next time.
    if (code === 'EDNSTIMEOUT')
      throw new DomainError('invalid_url', `could not resolve host ${host} (dns timeout: its name servers did not answer in time; try again)`);
    throw new DomainError('invalid_url', `could not resolve host ${host} (${code ?? (err as Error).message})`);
  }
  if (addresses.length === 0) throw new DomainError('invalid_url', `could not resolve host ${host} (no addresses)`);
  const bad = addresses.find((a) => !isPublicAddress(a));
  if (bad !== undefined) {
    opts.onRefusedAddress?.(host, bad);
    throw refused(host, RESOLVES_TO_PRIVATE, opts.privateTargetsHint);
  }
}

export async function checkTargetUrl(raw: unknown, opts: UrlPolicyOptions): Promise<URL> {
  const url = parseTargetUrl(raw);
  const portRefusal = refusedPort(url, opts.allowedPorts);
  if (portRefusal !== null) throw new DomainError('invalid_url', portRefusal);
  await assertPublicTarget(url, opts);
  return url;
}
