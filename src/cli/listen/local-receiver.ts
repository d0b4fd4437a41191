import { once } from 'node:events';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { CliError } from '../errors';

export interface Answer {
  status: number;
  body?: string;
  contentType?: string;
}

export type Handle = (request: { method: string; path: string; headers: IncomingHttpHeaders; body: string }) => Promise<Answer>;

/** A notification body is at most 1 MB of data plus the envelope. */
const MAX_BODY_BYTES = 2 * 1024 * 1024;

/**
 * An HTTPS server on localhost: on 127.0.0.1, and on ::1 too where the machine has it, on one port, so that
 * `https://localhost:<port>` reaches it whichever address localhost resolves to first.
 */
export class LocalReceiver {
  private constructor(
    private readonly servers: Server[],
    readonly port: number,
  ) {}

  static async start(options: { port: number; tls: { cert: string; key: string }; handle: Handle }): Promise<LocalReceiver> {
    const make = () => createServer({ cert: options.tls.cert, key: options.tls.key }, (req, res) => serve(req, res, options.handle));
    const ipv4 = make();
    await listen(ipv4, options.port, '127.0.0.1').catch((err: NodeJS.ErrnoException) => {
      throw new CliError(
        err.code === 'EADDRINUSE'
          ? `port ${options.port} is in use on localhost: choose another with --port`
          : `cannot listen on 127.0.0.1:${options.port}: ${err.message}`,
      );
    });
    const port = (ipv4.address() as AddressInfo).port;
    const ipv6 = make();
    const servers = [ipv4];
    // Best effort: without IPv6 (or with ::1 taken), localhost reaches 127.0.0.1.
    if (
      await listen(ipv6, port, '::1').then(
        () => true,
        () => false,
      )
    )
      servers.push(ipv6);
    return new LocalReceiver(servers, port);
  }

  async close(): Promise<void> {
    await Promise.all(
      this.servers.map((server) => {
        server.closeAllConnections();
        return new Promise((resolve) => server.close(resolve));
      }),
    );
  }
}

async function listen(server: Server, port: number, host: string): Promise<void> {
  server.listen(port, host);
  await Promise.race([once(server, 'listening'), once(server, 'error').then(([err]) => Promise.reject(err as Error))]);
}

function serve(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, handle: Handle): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  });
  req.on('end', () => {
    if (size > MAX_BODY_BYTES) return void res.writeHead(413).end();
    const request = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
    handle(request).then(
      (answer) => res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'text/plain; charset=utf-8' }).end(answer.body ?? ''),
      () => res.writeHead(500).end(),
    );
  });
}
