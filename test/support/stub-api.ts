import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface StubAnswer {
  status: number;
  body?: unknown;
}

type Route = StubAnswer | ((request: StubRequest, index: number) => StubAnswer);

/**
 * A local HTTP server standing in for the plude-webhooks API in the command layer's unit tests: it answers the
 * routes it is given (`on`), 404s the others, and records every request.
 */
export class StubApi {
  readonly requests: StubRequest[] = [];
  private readonly routes = new Map<string, { route: Route; calls: number }>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<StubApi> {
    const server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
        const answer = stub.answer(request);
        const text = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
        res.writeHead(answer.status, text ? { 'content-type': 'application/json' } : {}).end(text);
      });
    });
    const stub = new StubApi(server); // before listen(): before any request
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return stub;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Answers `METHOD path` (the path with its query) with `route`: an answer, or a function of the request and the call's index. */
  on(method: string, path: string, route: Route): this {
    this.routes.set(`${method} ${path}`, { route, calls: 0 });
    return this;
  }

  /** The requests made to `METHOD path`. */
  made(method: string, path: string): StubRequest[] {
    return this.requests.filter((request) => request.method === method && request.path === path);
  }

  reset(): void {
    this.requests.length = 0;
    this.routes.clear();
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }

  private answer(request: StubRequest): StubAnswer {
    this.requests.push(request);
    const entry = this.routes.get(`${request.method} ${request.path}`);
    if (!entry) return { status: 404, body: { statusCode: 404, error: 'not_found', message: `no stub for ${request.method} ${request.path}` } };
    const index = entry.calls++;
    return typeof entry.route === 'function' ? entry.route(request, index) : entry.route;
  }
}
