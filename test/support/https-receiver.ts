import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { generate } from 'selfsigned';

export interface ReceivedRequest {
  at: number;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** An answer: its status, optional headers, and how long the receiver waits before sending it. */
export interface Answer {
  status: number;
  headers?: Record<string, string>;
  delayMs?: number;
}

/** How the receiver answers the n-th request (0-based): a status code, or a fuller answer. */
export type Responder = (index: number, request: ReceivedRequest) => number | Answer;

export interface ReceiverOptions {
  /** Answers this long after a request has arrived (a slow receiver); at once when unset. */
  answerAfterMs?: number;
}

/**
 * A self-signed certificate for localhost and 127.0.0.1, its PEM also written to a file for NODE_EXTRA_CA_CERTS:
 * what the test receivers and the bench's receiver serve.
 */
export async function localhostCertificate(prefix: string): Promise<{ key: string; cert: string; caFile: string }> {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] }],
  });
  const caFile = path.join(os.tmpdir(), `${prefix}-${process.pid}-${Date.now()}.pem`);
  await writeFile(caFile, pems.cert);
  return { key: pems.private, cert: pems.cert, caFile };
}

/** A real local HTTPS server with a self-signed certificate, recording what it receives. */
export class HttpsReceiver {
  readonly requests: ReceivedRequest[] = [];
  /** Requests received and not yet answered, now and at most. */
  inFlight = 0;
  maxInFlight = 0;
  private waiters: { count: number; resolve: () => void }[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: Server,
    readonly caFile: string,
    private readonly responder: Responder,
  ) {}

  static async start(responder: Responder = () => 200, options: ReceiverOptions = {}): Promise<HttpsReceiver> {
    const { key, cert, caFile } = await localhostCertificate('plude-receiver');
    let receiver: HttpsReceiver | undefined;
    const server = createServer({ key, cert }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request: ReceivedRequest = {
          at: Date.now(),
          path: req.url ?? '/',
          headers: req.headers as Record<string, string>,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        const given = receiver!.record(request);
        const answer = typeof given === 'number' ? { status: given } : given;
        receiver!.maxInFlight = Math.max(receiver!.maxInFlight, ++receiver!.inFlight);
        res.on('close', () => receiver!.inFlight--);
        const send = () => {
          if (res.destroyed) return;
          res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers }).end(`status ${answer.status}`);
        };
        const delayMs = answer.delayMs ?? options.answerAfterMs;
        if (delayMs) receiver!.later(send, delayMs);
        else send();
      });
    });
    receiver = new HttpsReceiver(server, caFile, responder);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return receiver;
  }

  url(pathname = '/hooks'): string {
    return `https://127.0.0.1:${(this.server.address() as AddressInfo).port}${pathname}`;
  }

  /** Resolves once at least `count` requests have arrived. */
  received(count: number): Promise<ReceivedRequest[]> {
    if (this.requests.length >= count) return Promise.resolve(this.requests.slice());
    return new Promise((resolve) => this.waiters.push({ count, resolve: () => resolve(this.requests.slice()) }));
  }

  forPath(pathname: string): ReceivedRequest[] {
    return this.requests.filter((request) => request.path === pathname);
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }

  private later(work: () => void, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      work();
    }, delayMs);
    this.timers.add(timer);
  }

  private record(request: ReceivedRequest): number | Answer {
    const index = this.requests.push(request) - 1;
    const status = this.responder(index, request);
    this.waiters = this.waiters.filter((waiter) => {
      if (this.requests.length < waiter.count) return true;
      waiter.resolve();
      return false;
    });
    return status;
  }
}
