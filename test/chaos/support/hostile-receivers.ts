import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { chaosCa, type ChaosCa } from './certificates';
import type { LoopbackHost } from './loopback-server';
import { RecordingServer, type Hit } from './recording-server';

/**
 * Receivers that misbehave after a sound TLS handshake (the shared chaos CA's localhost leaf), each a real HTTPS
 * server on loopback port 0 recording its hits: hang, reset, huge body, gzip bomb, dripped body.
 */
export interface ReceiverOptions {
  /** The CA whose localhost leaf the receiver serves; default the process's chaosCa(). */
  ca?: ChaosCa;
  host?: LoopbackHost;
}

const MiB = 1024 * 1024;

async function leaf(options: ReceiverOptions) {
  return (options.ca ?? (await chaosCa())).localhost;
}

/**
 * R1: reads the request, never answers. A hit's `closedAt - connectedAt` (each hung request has its connection to
 * itself) is the client's timeout less what it spent before the TCP accept; `closedAt - at` also leaves out the handshake.
 */
export class HangReceiver extends RecordingServer {
  static async start(options: ReceiverOptions = {}): Promise<HangReceiver> {
    return new HangReceiver().listen(await leaf(options), options.host);
  }

  /** For each request whose connection has closed: ms from its connection's accept to the close. */
  heldMs(): number[] {
    return this.requests.flatMap((hit) => (hit.closedAt === undefined ? [] : [hit.closedAt - hit.connectedAt]));
  }

  protected handle(): void {}
}

/** R2: reads the request, then resets the TCP connection (RST, no answer). */
export class ResetReceiver extends RecordingServer {
  static async start(options: ReceiverOptions = {}): Promise<ResetReceiver> {
    return new ResetReceiver().listen(await leaf(options), options.host);
  }

  protected handle(_hit: Hit, req: IncomingMessage): void {
    const raw = this.loopback.rawSocket(req);
    if (raw) raw.resetAndDestroy();
    else req.socket.destroy();
  }
}

/** R3a: answers 200 with a body of `bytes` (default 50 MiB), streamed chunk by chunk as the client reads it. */
export class HugeBodyReceiver extends RecordingServer {
  private readonly chunk: Buffer;

  private constructor(
    readonly bytes: number,
    chunkBytes: number,
  ) {
    super();
    this.chunk = Buffer.alloc(chunkBytes, 'x');
  }

  static async start(options: ReceiverOptions & { bytes?: number; chunkBytes?: number } = {}): Promise<HugeBodyReceiver> {
    return new HugeBodyReceiver(options.bytes ?? 50 * MiB, options.chunkBytes ?? 64 * 1024).listen(await leaf(options), options.host);
  }

  protected handle(hit: Hit, _req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(this.bytes) });
    let remaining = this.bytes;
    const pump = (): void => {
      while (remaining > 0 && !res.destroyed) {
        const piece = remaining >= this.chunk.length ? this.chunk : this.chunk.subarray(0, remaining);
        remaining -= piece.length;
        if (!this.send(hit, res, piece)) {
          res.once('drain', pump);
          return;
        }
      }
      if (remaining === 0 && !res.destroyed) res.end();
    };
    pump();
  }
}

/**
 * The gzip bomb's body: `inflatedBytes` of zeros as concatenated gzip members of 1 MiB each (RFC 1952 allows a
 * series of members; zlib inflates them all). About 1 KiB on the wire per MiB inflated, built in milliseconds.
 */
export function gzipBomb(inflatedBytes: number): Buffer {
  const member = gzipSync(Buffer.alloc(MiB), { level: 9 });
  const members = Math.floor(inflatedBytes / MiB);
  const tail = inflatedBytes % MiB ? [gzipSync(Buffer.alloc(inflatedBytes % MiB), { level: 9 })] : [];
  return Buffer.concat([...Array<Buffer>(members).fill(member), ...tail]);
}

/** R3b: answers 200, Content-Encoding gzip, a ~1 MiB body inflating to `inflatedBytes` (default 1 GiB) of zeros. */
export class GzipBombReceiver extends RecordingServer {
  private constructor(
    readonly inflatedBytes: number,
    readonly body: Buffer,
  ) {
    super();
  }

  static async start(options: ReceiverOptions & { inflatedBytes?: number } = {}): Promise<GzipBombReceiver> {
    const inflatedBytes = options.inflatedBytes ?? 1024 * MiB;
    return new GzipBombReceiver(inflatedBytes, gzipBomb(inflatedBytes)).listen(await leaf(options), options.host);
  }

  protected handle(hit: Hit, _req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(this.body.length) });
    this.send(hit, res, this.body);
    res.end();
  }
}

/** R4: answers 200 headers at once, then drips `drip` (default 4 bytes) every `intervalMs` (default 1 s) until the client closes. */
export class DripReceiver extends RecordingServer {
  private constructor(
    readonly intervalMs: number,
    readonly drip: string,
  ) {
    super();
  }

  static async start(options: ReceiverOptions & { intervalMs?: number; drip?: string } = {}): Promise<DripReceiver> {
    return new DripReceiver(options.intervalMs ?? 1000, options.drip ?? 'drip').listen(await leaf(options), options.host);
  }

  protected handle(hit: Hit, _req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.flushHeaders();
    const drip = () => (res.destroyed ? this.loopback.clearTimer(timer) : void this.send(hit, res, this.drip));
    const timer = this.loopback.timer(drip, this.intervalMs, true);
    res.once('close', () => this.loopback.clearTimer(timer));
  }
}
