import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import type { ServerCertificate } from './certificates';

/** The loopback addresses a receiver listens on. */
export type LoopbackHost = '127.0.0.1' | '::1';

/** Whether this machine can listen on ::1 (IPv6 loopback); some containers have no IPv6. */
export async function ipv6LoopbackAvailable(): Promise<boolean> {
  const probe = createNetServer();
  try {
    probe.listen(0, '::1');
    await once(probe, 'listening');
    return true;
  } catch {
    return false;
  } finally {
    probe.close();
  }
}

/**
 * A real HTTPS server on a loopback address, port 0: counts TCP connections and failed TLS handshakes, keeps the
 * TCP socket under each TLS socket (for a real RST), owns the timers its receiver starts, and stops everything.
 */
export class LoopbackServer {
  /** TCP connections accepted, TLS handshakes that failed (the client refused the certificate, or hung up). */
  connections = 0;
  tlsFailures = 0;
  private readonly rawSockets = new Map<string, { raw: Socket; at: number }>();
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(private readonly server: Server) {}

  /** Listens with `tls`, calling `handler` per request and `changed` whenever a count moves. */
  static async listen(
    tls: ServerCertificate,
    handler: (req: IncomingMessage, res: ServerResponse) => void,
    changed: () => void,
    host: LoopbackHost = '127.0.0.1',
  ): Promise<LoopbackServer> {
    const loopback = new LoopbackServer(createServer({ key: tls.key, cert: tls.cert }, handler));
    loopback.server.on('connection', (raw: Socket) => {
      loopback.connections++;
      const key = `${raw.remoteAddress}|${raw.remotePort}`;
      loopback.rawSockets.set(key, { raw, at: Date.now() });
      raw.once('close', () => loopback.rawSockets.delete(key));
      changed();
    });
    loopback.server.on('tlsClientError', () => {
      loopback.tlsFailures++;
      changed();
    });
    loopback.server.listen(0, host);
    await once(loopback.server, 'listening');
    return loopback;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** `https://127.0.0.1:<port><pathname>`, or `https://[::1]:<port><pathname>`. */
  url(pathname = '/'): string {
    const { address, family } = this.server.address() as AddressInfo;
    return `https://${family === 'IPv6' ? `[${address}]` : address}:${this.port}${pathname}`;
  }

  /** The TCP socket under a request's TLS socket. */
  rawSocket(req: IncomingMessage): Socket | undefined {
    return this.rawSockets.get(`${req.socket.remoteAddress}|${req.socket.remotePort}`)?.raw;
  }

  /** When the request's TCP connection was accepted (before its TLS handshake). */
  connectedAt(req: IncomingMessage): number | undefined {
    return this.rawSockets.get(`${req.socket.remoteAddress}|${req.socket.remotePort}`)?.at;
  }

  /** A timer cleared by stop(); `repeat` makes it an interval. */
  timer(work: () => void, ms: number, repeat = false): NodeJS.Timeout {
    const timer = repeat ? setInterval(work, ms) : setTimeout(() => (this.timers.delete(timer), work()), ms);
    this.timers.add(timer);
    return timer;
  }

  clearTimer(timer: NodeJS.Timeout): void {
    clearTimeout(timer);
    this.timers.delete(timer);
  }

  /** Clears the timers, drops every connection (hung ones too) and closes the server. */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.server.closeAllConnections();
    for (const { raw } of this.rawSockets.values()) raw.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Header names lower-case, repeated headers joined with ", ". */
export function flatHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}
