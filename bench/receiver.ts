import { once } from 'node:events';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { localhostCertificate } from '../test/support/https-receiver';

/**
 * The bench's receiver: a real local HTTPS server that answers 204 at once and tells the load generator when the
 * POST carrying a given tag (`"tag":"…"` in the event data) arrived. The first arrival of a tag counts.
 */
interface Tagged {
  first: number;
  last: number;
  count: number;
  waiters: { count: number; resolve: (tagged: Tagged) => void }[];
}

interface Watched {
  times: number[];
  waiters: { count: number; resolve: (times: number[]) => void }[];
}

export class BenchReceiver {
  private readonly tags = new Map<string, Tagged>();
  private readonly watched = new Map<string, Watched>();
  count = 0;

  private constructor(
    private readonly server: Server,
    readonly caFile: string,
  ) {}

  static async start(): Promise<BenchReceiver> {
    const { key, cert, caFile } = await localhostCertificate('plude-bench-receiver');
    const server = createServer({ key, cert, keepAliveTimeout: 60_000 }, (req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        receiver.record(body, req.url ?? ''); // the server answers no request before listen(), after `receiver` is made
        res.writeHead(204).end();
      });
    });
    const receiver = new BenchReceiver(server, caFile);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return receiver;
  }

  url(pathname: string): string {
    return `https://127.0.0.1:${(this.server.address() as AddressInfo).port}${pathname}`;
  }

  /** Resolves with the arrival time (performance.now()) of the first POST that carries `tag`. */
  async arrival(tag: string): Promise<number> {
    return (await this.arrivals(tag, 1)).first;
  }

  /** Whether a POST carrying `tag` has arrived. */
  seen(tag: string): boolean {
    return this.times(tag) > 0;
  }

  /** How many POSTs carrying `tag` have arrived. */
  times(tag: string): number {
    return this.tags.get(tag)?.count ?? 0;
  }

  /** Resolves once `count` POSTs carrying `tag` arrived: the first and the last arrival times. */
  arrivals(tag: string, count: number): Promise<{ first: number; last: number }> {
    const tagged = this.tagged(tag);
    if (tagged.count >= count) return Promise.resolve(tagged);
    return new Promise((resolve) => tagged.waiters.push({ count, resolve }));
  }

  /**
   * Every arrival time (performance.now()) of a POST to `pathname` from now on, whatever it carries, and a promise
   * for when `count` of them arrived: what a receiver counting its requests would see.
   */
  watch(pathname: string): { times: number[]; until(count: number): Promise<number[]> } {
    const watched: Watched = { times: [], waiters: [] };
    this.watched.set(pathname, watched);
    return {
      times: watched.times,
      until: (count) => (watched.times.length >= count ? Promise.resolve(watched.times) : new Promise((resolve) => watched.waiters.push({ count, resolve }))),
    };
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }

  private tagged(tag: string): Tagged {
    let tagged = this.tags.get(tag);
    if (!tagged) this.tags.set(tag, (tagged = { first: 0, last: 0, count: 0, waiters: [] }));
    return tagged;
  }

  private record(body: string, pathname: string): void {
    const at = performance.now();
    this.count++;
    const watched = this.watched.get(pathname);
    if (watched) {
      watched.times.push(at);
      watched.waiters = watched.waiters.filter((waiter) => {
        if (watched.times.length < waiter.count) return true;
        waiter.resolve(watched.times);
        return false;
      });
    }
    const tag = /"tag":"([^"]+)"/.exec(body)?.[1];
    if (tag === undefined) return;
    const tagged = this.tagged(tag);
    if (tagged.count++ === 0) tagged.first = at;
    tagged.last = at;
    tagged.waiters = tagged.waiters.filter((waiter) => {
      if (tagged.count < waiter.count) return true;
      waiter.resolve(tagged);
      return false;
    });
  }
}
