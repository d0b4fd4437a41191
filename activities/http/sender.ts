import type { LookupAddress, LookupOptions } from 'node:dns';
import { readFileSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { createSecureContext, rootCertificates } from 'node:tls';
import { Agent } from 'undici';
import { isPublicAddress, parseTargetUrl, RESOLVES_TO_PRIVATE, refusedPort, refusedWithoutLookup } from '../../src/domain/url-policy';
import { DEFAULT_DNS, DnsResolver, DnsTimeoutError } from '../../src/lib/dns-resolver';
import { Slots } from '../../src/lib/slots';

/**
 * The HTTPS POST behind the delivery activity: pooled undici Agents, no redirects, bounded body. One Agent refuses
 * private addresses when it connects; the other, for the environments that allow private targets (or for everyone
 * with ALLOW_PRIVATE_TARGETS), is made when a request first needs it.
 */
export interface SenderOptions {
  /** Every request may reach private addresses (ALLOW_PRIVATE_TARGETS). */
  allowPrivateTargets: boolean;
  /** The ports a request may connect to (ALLOWED_PORTS); null or absent: any. */
  allowedPorts?: readonly number[] | null;
  /** PEM bundles added to the trust store: NODE_EXTRA_CA_CERTS, and for `npm start` its development CA. */
  extraCaFiles?: string[];
  /**
   * PEM bundles trusted only for requests that may reach private addresses: `npm start`'s development CA, which can
   * issue for localhost and loopback addresses only, so that a public target never depends on it.
   */
  privateTargetCaFiles?: string[];
  responseBodyLimitBytes: number;
  /**
   * Connections kept per receiver origin. The worker passes its activity concurrency, so that a delivery never
   * waits for another delivery to the same origin; past this number requests wait for a connection, untimed.
   */
  maxConnectionsPerOrigin: number;
  /**
   * How both agents resolve a host name when they connect: bounded c-ares lookups with a cache (DNS_TIMEOUT,
   * DNS_CACHE_TTL, DNS_SERVERS; src/lib/dns-resolver.ts), one with DEFAULT_DNS unless given.
   */
  resolver?: DnsResolver;
  /** Replaces the resolver, in dns.lookup's shape (tests). */
  lookup?: LookupFunction;
}

/** dns.lookup, as the sender calls it: always with `all: true`. */
export type LookupFunction = (
  hostname: string,
  options: LookupOptions & { all: true },
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

export interface SendResult {
  statusCode: number;
  /** At most responseBodyLimitBytes of the response body, utf8, may be cut. */
  body: string;
  /** The response's Retry-After header, as sent; null without one. */
  retryAfter: string | null;
}

export interface SendRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Budget of the attempt: connecting, sending and the whole response. It starts once the request has a connection slot. */
  timeoutMs: number;
  /** This request may reach private addresses (its environment allows private targets). */
  allowPrivateTargets?: boolean;
}

export interface HttpSender {
  send(req: SendRequest): Promise<SendResult>;
  close(): Promise<void>;
}

/** Network-level failure; `code` is the underlying error code (ECONNREFUSED, EPRIVATETARGET, EPORTREFUSED, TIMEOUT, ...). */
export class HttpSendError extends Error {
  override readonly name = 'HttpSendError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

const SYSTEM_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/cert.pem'];

const tryRead = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

/** Passing `ca` replaces Node's defaults, so system and extra CAs are added explicitly. */
export function buildCaList(extraCaFiles: string[] = []): string[] {
  const ca = [...rootCertificates];
  for (const file of SYSTEM_BUNDLES) {
    const pem = tryRead(file);
    if (pem) {
      ca.push(pem);
      break;
    }
  }
  for (const file of extraCaFiles) {
    const extra = tryRead(file);
    if (extra === undefined) throw new Error(`cannot read extra CA file ${file}`);
    ca.push(extra);
  }
  return ca;
}

/**
 * `what`: why the host is refused (`is a local name`, `resolves to a private or reserved address`). The attempt
 * records it, and token holders read it: an address a name resolved to is never in it.
 */
function privateTargetError(host: string, what: string): HttpSendError {
  return new HttpSendError(`refused: ${host} ${what}`, 'EPRIVATETARGET');
}

/** The resolver as a LookupFunction; its "dns timeout" is an HttpSendError the attempt records as it is. */
export const resolverLookup =
  (resolver: DnsResolver): LookupFunction =>
  (hostname, options, callback) => {
    resolver.lookup(hostname).then(
      (addresses) => callback(null, options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses),
      (err: NodeJS.ErrnoException) => callback(err instanceof DnsTimeoutError ? new HttpSendError(err.message, 'DNS_TIMEOUT') : err, []),
    );
  };

/**
 * Resolves like dns.lookup, through `lookup`, for the connection being made: the addresses it returns are the ones
 * that connection uses, with no second lookup. With `publicOnly` it refuses non-public addresses (defeats DNS
 * rebinding): the addresses checked are the ones the connection then uses, whatever an earlier lookup answered.
 */
const connectLookup =
  (lookup: LookupFunction, publicOnly: boolean) =>
  (
    hostname: string,
    options: LookupOptions,
    callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const bad = publicOnly ? addresses.find((a) => !isPublicAddress(a.address)) : undefined;
      if (bad) return callback(privateTargetError(hostname, RESOLVES_TO_PRIVATE), []);
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`dns ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
      callback(null, first.address, first.family);
    });
  };

const USER_AGENT = 'plude-webhooks';
/** An RFC 9110 header name, and a value without CR, LF, NUL or other control characters (tab aside). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const UNSAFE_HEADER_VALUE = /[\u0000-\u0008\u000a-\u001f\u007f]/;

/** Every outgoing header is ours (src/domain/signature.ts), but a CR or LF must never reach the wire whatever made it. */
function assertSafeHeaders(headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name) || UNSAFE_HEADER_VALUE.test(value)) {
      throw new HttpSendError(`refused: header ${JSON.stringify(name)} has a control character or is not a header name`, 'EHEADER');
    }
  }
}
const hasHeader = (h: Record<string, string>, name: string) => Object.keys(h).some((k) => k.toLowerCase() === name);

/**
 * The headers a POST goes with: `headers` itself when it names a user-agent, else a copy with ours. The delivery
 * activity calls it before `send`, so that the object it records is the very one the request is made with.
 */
export const withUserAgent = (headers: Record<string, string>): Record<string, string> =>
  hasHeader(headers, 'user-agent') ? headers : { 'user-agent': USER_AGENT, ...headers };

const CERT_CODES = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS_/;

function toSendError(err: unknown, timedOut: boolean, timeoutMs: number): HttpSendError {
  if (err instanceof HttpSendError) return err;
  const e = err as { code?: unknown; message?: string; name?: string };
  const code = typeof e.code === 'string' ? e.code : (e.name ?? 'ERROR');
  if (timedOut || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || e.name === 'TimeoutError') {
    return new HttpSendError(`timeout after ${timeoutMs}ms`, 'TIMEOUT');
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return new HttpSendError('connect timeout', code);
  const message = e.message || String(err);
  if (CERT_CODES.test(code)) return new HttpSendError(`certificate: ${message} (${code})`, code);
  if (code === 'UND_ERR_SOCKET') return new HttpSendError(`socket: ${message}`, code);
  return new HttpSendError(message, code);
}

/**
 * At most `limit` bytes of the response body, as text whose UTF-8 is at most `limit` bytes too: bytes that are not
 * UTF-8 text (a gzip body, say) decode to U+FFFD, which takes 3 bytes, and NUL (which PostgreSQL's text cannot hold)
 * is stored as U+FFFD as well, so the text is cut again to fit. A trailing partial character is dropped.
 */
async function readCapped(body: AsyncIterable<Buffer> & { destroy(): unknown }, limit: number): Promise<string> {
  const decoder = new StringDecoder('utf8');
  let text = '';
  let received = 0;
  for await (const chunk of body) {
    const room = limit - received;
    if (chunk.length > room) {
      text += decoder.write(chunk.subarray(0, room));
      body.destroy();
      return fitUtf8(text, limit);
    }
    received += chunk.length;
    text += decoder.write(chunk);
  }
  return fitUtf8(text + decoder.end(), limit);
}

/** `text` with NUL as U+FFFD, cut to at most `limit` bytes of UTF-8 on a character boundary. */
export function fitUtf8(text: string, limit: number): string {
  const storable = text.replace(/\u0000/g, '\uFFFD');
  const bytes = Buffer.from(storable, 'utf8');
  return bytes.length <= limit ? storable : new StringDecoder('utf8').write(bytes.subarray(0, limit));
}

export function createHttpSender(opts: SenderOptions): HttpSender {
  // Parsed once: a `ca` list in the agents' options would be parsed again for every new TLS connection.
  const publicCas = buildCaList(opts.extraCaFiles);
  const secureContext = createSecureContext({ ca: publicCas });
  const privateCaFiles = opts.privateTargetCaFiles ?? [];
  const lookup = opts.lookup ?? resolverLookup(opts.resolver ?? new DnsResolver(DEFAULT_DNS));
  const newAgent = (privateTargets: boolean) =>
    new Agent({
      keepAliveTimeout: 30_000,
      connections: opts.maxConnectionsPerOrigin,
      connect: {
        secureContext:
          privateTargets && privateCaFiles.length > 0
            ? createSecureContext({ ca: buildCaList([...(opts.extraCaFiles ?? []), ...privateCaFiles]) })
            : secureContext,
        lookup: connectLookup(lookup, !privateTargets),
      },
    });
  const publicOnly = opts.allowPrivateTargets ? null : newAgent(false);
  let anyTarget: Agent | null = null;
  const agentFor = (privateTargets: boolean): Agent => (privateTargets || !publicOnly ? (anyTarget ??= newAgent(true)) : publicOnly);

  async function send(req: SendRequest): Promise<SendResult> {
    const url = parseTargetUrl(req.url);
    assertSafeHeaders(req.headers);
    // Before any lookup or connection: a refused port is never tried, whatever listens there.
    const portRefusal = refusedPort(url, opts.allowedPorts);
    if (portRefusal !== null) throw new HttpSendError(`refused: ${portRefusal}`, 'EPORTREFUSED');
    const privateTargets = opts.allowPrivateTargets || req.allowPrivateTargets === true;
    // IP literals never reach `lookup`, and local names are refused by name, as at subscribe, whatever the resolver
    // would make of them (api.localhost may not resolve at all).
    const reason = privateTargets ? null : refusedWithoutLookup(url.hostname);
    if (reason !== null) throw privateTargetError(url.hostname, reason);
    return connectionSlot(url.origin, () => exchange(agentFor(privateTargets), url, req));
  }

  /**
   * The agent's pool queues requests past `connections`, and an AbortSignal made before agent.request counts that
   * wait. Admitting at most `connections` requests per origin here leaves the pool a connection for every request
   * it gets, so the wait (if any) happens here, before the request's timeout starts.
   */
  const slotsByOrigin = new Map<string, Slots>();
  async function connectionSlot<T>(origin: string, work: () => Promise<T>): Promise<T> {
    let slots = slotsByOrigin.get(origin);
    if (!slots) slotsByOrigin.set(origin, (slots = new Slots(opts.maxConnectionsPerOrigin)));
    try {
      return await slots.run(work);
    } finally {
      if (slots.idle && slotsByOrigin.get(origin) === slots) slotsByOrigin.delete(origin);
    }
  }

  async function exchange(agent: Agent, url: URL, req: SendRequest): Promise<SendResult> {
    const signal = AbortSignal.timeout(req.timeoutMs);
    try {
      const res = await agent.request({
        origin: url.origin,
        path: url.pathname + url.search,
        method: 'POST',
        headers: withUserAgent(req.headers),
        body: req.body,
        signal,
        headersTimeout: req.timeoutMs,
        bodyTimeout: req.timeoutMs,
      });
      const body = await readCapped(res.body, opts.responseBodyLimitBytes);
      const retryAfter = res.headers['retry-after'];
      return { statusCode: res.statusCode, body, retryAfter: typeof retryAfter === 'string' ? retryAfter : null };
    } catch (err) {
      throw toSendError(err, signal.aborted, req.timeoutMs);
    }
  }

  return {
    send,
    async close() {
      await Promise.all([publicOnly?.close(), anyTarget?.close()]);
    },
  };
}
