import type { IncomingMessage, ServerResponse } from 'node:http';
import { chaosCa, type ChaosCa } from './certificates';
import { Conditions, type WaitOptions } from './conditions';
import { flatHeaders, LoopbackServer, type LoopbackHost } from './loopback-server';

/**
 * The well-behaved receiver of the chaos suite: HTTPS with the chaos CA's localhost leaf, several subscriptions by
 * path, every request recorded with its raw body, each answered by a programmable responder.
 */
export interface RecordedRequest {
  /** Position among all requests of the receiver, and among those to its path. */
  index: number;
  pathIndex: number;
  /** Date.now() when the body had arrived. */
  at: number;
  method: string;
  /** Path without the query: the subscription. */
  path: string;
  /** Path and query, as requested. */
  url: string;
  headers: Record<string, string>;
  body: Buffer;
  /** The body as utf8. */
  text: string;
  webhookId: string | undefined;
  /** 1 the first time this webhook-id arrives at the receiver, 2 the second time, and so on. */
  perIdCount: number;
  /** What was answered and when (unset while a delayed answer waits, or if the client left first). */
  answer?: Answer;
  answeredAt?: number;
}

/** An answer: status, extra headers, a body (default `status <n>`), and a delay before it is sent. */
export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
  delayMs?: number;
}

/** How to answer a request; e.g. 500 twice per webhook-id, then 200: `(_r, _i, n) => (n <= 2 ? 500 : 200)`. */
export type Responder = (request: RecordedRequest, index: number, perWebhookIdCount: number) => Answer | number;

/** What one subscription (path) received, and its own responder. */
export interface SubscriptionView {
  readonly path: string;
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Answers this path's requests with `responder` (instead of the receiver's). */
  respond(responder: Responder): void;
  /** Resolves with this path's requests once `predicate` holds for them. */
  waitFor(predicate: (requests: RecordedRequest[]) => boolean, options?: WaitOptions): Promise<RecordedRequest[]>;
}

export interface CountingReceiverOptions {
  responder?: Responder;
  ca?: ChaosCa;
  host?: LoopbackHost;
}

export class CountingReceiver {
  readonly requests: RecordedRequest[] = [];
  private readonly byPath = new Map<string, RecordedRequest[]>();
  private readonly idCounts = new Map<string, number>();
  private readonly routes = new Map<string, Responder>();
  private readonly conditions = new Conditions<RecordedRequest[]>(
    () => this.requests,
    () => this.summary(),
  );
  private loopback!: LoopbackServer;

  private constructor(
    private responder: Responder,
    /** The file of the CA the service must trust (NODE_EXTRA_CA_CERTS). */
    readonly caFile: string,
  ) {}

  /** Listens on 127.0.0.1 (or `host`), port 0; answers 200 unless told otherwise. */
  static async start(options: CountingReceiverOptions = {}): Promise<CountingReceiver> {
    const ca = options.ca ?? (await chaosCa());
    const receiver = new CountingReceiver(options.responder ?? (() => 200), ca.caFile);
    receiver.loopback = await LoopbackServer.listen(
      ca.localhost,
      (req, res) => receiver.receive(req, res),
      () => {},
      options.host,
    );
    return receiver;
  }

  url(pathname = '/'): string {
    return this.loopback.url(pathname);
  }

  /** Answers every path without a responder of its own with `responder`. */
  respond(responder: Responder): void {
    this.responder = responder;
  }

  forPath(pathname: string): RecordedRequest[] {
    return this.byPath.get(pathname) ?? [];
  }

  /** A view of one subscription, e.g. `receiver.subscription('/s1')`. */
  subscription(pathname: string): SubscriptionView {
    const requests = () => this.forPath(pathname);
    return {
      path: pathname,
      url: this.url(pathname),
      get requests() {
        return requests();
      },
      respond: (responder) => void this.routes.set(pathname, responder),
      waitFor: async (predicate, options) => {
        await this.waitFor(() => predicate(requests()), { what: `requests to ${pathname}`, ...options });
        return requests();
      },
    };
  }

  /** Resolves with all requests once `predicate` holds for them; re-evaluated on each request and each answer. */
  waitFor(predicate: (requests: RecordedRequest[]) => boolean, options?: WaitOptions): Promise<RecordedRequest[]> {
    return this.conditions.waitFor(predicate, options);
  }

  /** Resolves once `count` requests have arrived (to `pathname`, if given). */
  received(count: number, pathname?: string, options?: WaitOptions): Promise<RecordedRequest[]> {
    const requests = () => (pathname === undefined ? this.requests : this.forPath(pathname));
    const what = `${count} requests${pathname === undefined ? '' : ` to ${pathname}`}`;
    return this.waitFor(() => requests().length >= count, { what, ...options }).then(requests);
  }

  /** How many times each webhook-id arrived. */
  countsById(): ReadonlyMap<string, number> {
    return this.idCounts;
  }

  async stop(): Promise<void> {
    this.conditions.stop();
    await this.loopback.stop();
  }

  /** Request counts per path and the last few arrivals, for a timeout's message. */
  summary(): string {
    const paths = [...this.byPath].map(([p, list]) => `${p}: ${list.length}`).join(', ') || 'none';
    const last = this.requests.slice(-5).map((r) => `${r.path} ${r.webhookId ?? '-'} → ${r.answer?.status ?? 'unanswered'}`);
    return `${this.requests.length} requests (${paths}); last: ${last.join('; ') || 'none'}`;
  }

  private receive(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => {
      const url = req.url ?? '/';
      const path = url.split('?')[0];
      const headers = flatHeaders(req);
      const webhookId = headers['webhook-id'];
      const perIdCount = webhookId === undefined ? 0 : (this.idCounts.get(webhookId) ?? 0) + 1;
      if (webhookId !== undefined) this.idCounts.set(webhookId, perIdCount);
      const onPath = this.byPath.get(path) ?? [];
      this.byPath.set(path, onPath);
      const body = Buffer.concat(chunks);
      const request: RecordedRequest = {
        index: this.requests.length,
        pathIndex: onPath.length,
        at: Date.now(),
        method: req.method ?? '',
        path,
        url,
        headers,
        body,
        text: body.toString('utf8'),
        webhookId,
        perIdCount,
      };
      this.requests.push(request);
      onPath.push(request);
      const given = (this.routes.get(path) ?? this.responder)(request, request.index, perIdCount);
      const answer = typeof given === 'number' ? { status: given } : given;
      const send = () => this.answer(request, answer, res);
      if (answer.delayMs) this.loopback.timer(send, answer.delayMs);
      else send();
      this.conditions.changed();
    });
  }

  private answer(request: RecordedRequest, answer: Answer, res: ServerResponse): void {
    if (res.destroyed) return;
    res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers }).end(answer.body ?? `status ${answer.status}`);
    request.answer = answer;
    request.answeredAt = Date.now();
    this.conditions.changed();
  }
}
