import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ReceiverOptions } from './hostile-receivers';
import { chaosCa } from './certificates';
import { ipv6LoopbackAvailable } from './loopback-server';
import { RecordingServer, type Hit } from './recording-server';

/**
 * R5: a receiver that answers every request with a redirect, and canaries that count anything reaching them, so
 * that a test proves the service never follows a redirect (to loopback, to ::1, to the metadata address).
 */
export type RedirectStatus = 301 | 302 | 303 | 307 | 308;

/** Where the cloud metadata endpoint lives: a redirect target the service must never fetch. */
export const METADATA_URL = 'https://169.254.169.254/latest/meta-data/';

/** Answers `<status>` with `Location: <to>` for a path made by `redirectUrl(to, status)`; 302 to `/` otherwise. */
export class RedirectReceiver extends RecordingServer {
  static async start(options: ReceiverOptions = {}): Promise<RedirectReceiver> {
    return new RedirectReceiver().listen((options.ca ?? (await chaosCa())).localhost, options.host);
  }

  /** A URL of this receiver that redirects to `to` with `status`. */
  redirectUrl(to: string, status: RedirectStatus = 302): string {
    return this.url(`/redirect/${status}?to=${encodeURIComponent(to)}`);
  }

  protected handle(_hit: Hit, req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'https://receiver.invalid');
    const match = /^\/redirect\/(30[12378])$/.exec(url.pathname);
    const status = match ? Number(match[1]) : 302;
    const location = url.searchParams.get('to') ?? '/';
    res.writeHead(status, { location, 'content-type': 'text/plain' }).end(`moved to ${location}`);
  }
}

/** Counts every connection and request that reaches it (it must stay at 0), answering 200 "canary". */
export class Canary extends RecordingServer {
  static async start(options: ReceiverOptions = {}): Promise<Canary> {
    return new Canary().listen((options.ca ?? (await chaosCa())).localhost, options.host);
  }

  /** Nothing reached it: no TCP connection, so no request either. */
  get untouched(): boolean {
    return this.connections === 0 && this.hits === 0;
  }

  protected handle(_hit: Hit, _req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('canary');
  }
}

export interface Canaries {
  v4: Canary;
  /** On ::1; null where the machine has no IPv6 loopback. */
  v6: Canary | null;
  /** Every canary is untouched. */
  readonly untouched: boolean;
  stop(): Promise<void>;
}

/** A canary on 127.0.0.1 and, where available, one on ::1. */
export async function startCanaries(options: Omit<ReceiverOptions, 'host'> = {}): Promise<Canaries> {
  const v4 = await Canary.start(options);
  const v6 = (await ipv6LoopbackAvailable()) ? await Canary.start({ ...options, host: '::1' }) : null;
  return {
    v4,
    v6,
    get untouched() {
      return v4.untouched && (v6?.untouched ?? true);
    },
    stop: async () => {
      await Promise.all([v4.stop(), v6?.stop()]);
    },
  };
}
