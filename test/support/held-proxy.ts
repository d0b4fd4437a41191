import { once } from 'node:events';
import { type AddressInfo, createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1:0 in front of `upstream` (host:port) that can hold every byte, both ways, on every
 * connection: to the process behind it, the server is there but answers nothing, until `release()` passes on what
 * was held, in order.
 */
export class HeldProxy {
  private held = false;
  private readonly waiting: (() => void)[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server) {}

  static async start(upstream: string): Promise<HeldProxy> {
    const url = new URL(`tcp://${upstream}`);
    const server = createServer();
    const proxy = new HeldProxy(server);
    server.on('connection', (client) => {
      const target = createConnection({ host: url.hostname, port: Number(url.port) });
      proxy.pair(client, target);
      proxy.pair(target, client);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return proxy;
  }

  /** host:port, for TEMPORAL_ADDRESS. */
  get address(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** From now on nothing passes, either way, until release(). */
  hold(): void {
    this.held = true;
  }

  /** Passes on everything held, in order, and everything after. */
  release(): void {
    this.held = false;
    for (const pass of this.waiting.splice(0)) pass();
  }

  async stop(): Promise<void> {
    this.release();
    for (const socket of this.sockets) socket.destroy();
    this.server.close();
    await once(this.server, 'close');
  }

  private pair(from: Socket, to: Socket): void {
    this.sockets.add(from);
    from.on('data', (chunk: Buffer) => {
      if (this.held) this.waiting.push(() => to.write(chunk));
      else to.write(chunk);
    });
    from.on('close', () => {
      this.sockets.delete(from);
      to.destroy();
    });
    from.on('error', () => to.destroy());
  }
}
