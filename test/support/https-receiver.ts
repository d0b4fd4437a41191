import { once } from 'node:events';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { localhostCertificate } from './certificates';
import { Changes, type WaitOptions, waitUntil } from './wait';

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
  /** The response body; `status <code>` unless given. */
  body?: string;
}

/** How the receiver answers the n-th request (0-based): a status code, or a fuller answer. */
export type Responder = (index: number, request: ReceivedRequest) => number | Answer;

export interface ReceiverOptions {
  /** Answers this long after a request has arrived (a slow receiver); at once when unset. */
  answerAfterMs?: number;
}

export { localhostCertificate } from './certificates'; // the bench's receiver takes it from here

/** A real local HTTPS server with a self-signed certificate, recording what it receives. */
export class HttpsReceiver {
  readonly requests: ReceivedRequest[] = [];
  /** Requests received and not yet answered, now and at most. */
  inFlight = 0;
  maxInFlight = 0;
  private readonly changes = new Changes();
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: Server,
    readonly caFile: string,
    private readonly responder: Responder,
  ) {}

  static async start(responder: Responder = () => 200, options: ReceiverOptions = {}): Promise<HttpsReceiver> {
    const { key, cert, caFile } = await localhostCertificate('plude-receiver');
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
        const given = receiver.record(request);
        const answer = typeof given === 'number' ? { status: given } : given;
        receiver.maxInFlight = Math.max(receiver.maxInFlight, ++receiver.inFlight);
        res.on('close', () => receiver.inFlight--);
        const send = () => {
          if (res.destroyed) return;
          res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers }).end(answer.body ?? `status ${answer.status}`);
        };
        const delayMs = answer.delayMs ?? options.answerAfterMs;
        if (delayMs) receiver.later(send, delayMs);
        else send();
      });
    });
    // Made before listen(), so before any request reaches the handler above.
    const receiver = new HttpsReceiver(server, caFile, responder);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return receiver;
  }

  url(pathname = '/hooks'): string {
    return `https://127.0.0.1:${(this.server.address() as AddressInfo).port}${pathname}`;
  }

  /**
   * Resolves with the requests to `pathname` (or those `which` accepts) once at least `count` have arrived, as they
   * arrive; fails after the timeout (30 s unless given) saying how many did.
   */
  arrived(which: string | ((request: ReceivedRequest) => boolean), count = 1, options: WaitOptions = {}): Promise<ReceivedRequest[]> {
    const matches = typeof which === 'string' ? (request: ReceivedRequest) => request.path === which : which;
    const found = () => this.requests.filter(matches);
    return waitUntil(() => (found().length >= count ? found() : undefined), this.changes.subscribe, {
      what: `${count} request(s) to ${typeof which === 'string' ? which : 'the receiver'}`,
      ...options,
      describe: () => `${found().length} arrived, of ${this.requests.length} in all (${[...new Set(this.requests.map((r) => r.path))].join(', ')})`,
    });
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
    this.changes.notify();
    return status;
  }
}
