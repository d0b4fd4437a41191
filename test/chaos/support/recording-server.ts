import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerCertificate } from './certificates';
import { Conditions, type WaitOptions } from './conditions';
import { flatHeaders, LoopbackServer, type LoopbackHost } from './loopback-server';

/** What a hostile receiver records of one request. Times are Date.now() milliseconds. */
export interface Hit {
  /** When the request's headers arrived, and when its TCP connection was accepted (earlier, for a reused one). */
  at: number;
  connectedAt: number;
  method: string;
  /** Path and query, as requested. */
  path: string;
  headers: Record<string, string>;
  /** Request body bytes received so far. */
  bodyBytes: number;
  /** When the request body ended; unset while it is still arriving. */
  bodyEndedAt?: number;
  /** Response body bytes flushed to the socket. */
  bytesSent: number;
  /** When the response closed (the client or the receiver ended the connection, or it was answered). */
  closedAt?: number;
}

/**
 * A receiver recording every request as a Hit; subclasses decide what happens once the request body has arrived.
 * `waitFor` re-evaluates its predicate on every connection, arrival, body end and close.
 */
export abstract class RecordingServer {
  readonly requests: Hit[] = [];
  protected loopback!: LoopbackServer;
  private readonly conditions = new Conditions<this>(
    () => this,
    () => this.summary(),
  );

  /** HTTP requests received (past a TLS handshake). */
  get hits(): number {
    return this.requests.length;
  }

  /** TCP connections accepted. */
  get connections(): number {
    return this.loopback.connections;
  }

  /** TLS handshakes that failed. */
  get tlsFailures(): number {
    return this.loopback.tlsFailures;
  }

  get port(): number {
    return this.loopback.port;
  }

  url(pathname = '/'): string {
    return this.loopback.url(pathname);
  }

  /** Resolves once `predicate` holds for this receiver; rejects with a summary after the timeout. */
  waitFor(predicate: (receiver: this) => boolean, options?: WaitOptions): Promise<this> {
    return this.conditions.waitFor(predicate, options);
  }

  async stop(): Promise<void> {
    this.conditions.stop();
    await this.loopback.stop();
  }

  /** One line, for a timeout's message. */
  summary(): string {
    const closed = this.requests.filter((hit) => hit.closedAt !== undefined).length;
    const counts = `${this.connections} connections, ${this.tlsFailures} TLS failures, ${this.hits} requests (${closed} closed)`;
    return `${this.constructor.name} ${this.url()}: ${counts}`;
  }

  protected abstract handle(hit: Hit, req: IncomingMessage, res: ServerResponse): void;

  protected async listen(tls: ServerCertificate, host?: LoopbackHost): Promise<this> {
    this.loopback = await LoopbackServer.listen(
      tls,
      (req, res) => this.receive(req, res),
      () => this.changed(),
      host,
    );
    return this;
  }

  protected changed(): void {
    this.conditions.changed();
  }

  /** Writes to the response, counting the bytes once flushed. */
  protected send(hit: Hit, res: ServerResponse, chunk: Buffer | string): boolean {
    const length = Buffer.byteLength(chunk);
    return res.write(chunk, (err) => {
      if (!err) hit.bytesSent += length;
    });
  }

  private receive(req: IncomingMessage, res: ServerResponse): void {
    const at = Date.now();
    const connectedAt = this.loopback.connectedAt(req) ?? at;
    const hit: Hit = { at, connectedAt, method: req.method ?? '', path: req.url ?? '/', headers: flatHeaders(req), bodyBytes: 0, bytesSent: 0 };
    this.requests.push(hit);
    res.once('close', () => {
      hit.closedAt = Date.now();
      this.changed();
    });
    req.on('data', (chunk: Buffer) => (hit.bodyBytes += chunk.length));
    req.once('end', () => {
      hit.bodyEndedAt = Date.now();
      this.handle(hit, req, res);
      this.changed();
    });
    this.changed();
  }
}
