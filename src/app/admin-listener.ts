import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { NextFunction, Request, Response } from 'express';
import type { ServerLimits } from '../config/config';
import { applyServerLimits } from './server-limits';

/** What only the admin listener serves when ADMIN_PORT is set: the admin API, the metrics and the API reference. */
const ADMIN_ONLY = /^\/(admin|metrics|docs)(\/|$)|^\/openapi\.json$/;
/** What both listeners serve: the probes, which an orchestrator may ask on either port. */
const BOTH = /^\/health(\/|$)/;

/** Whether ADMIN_PORT's listener, when there is one, serves `path` (and PORT does not). */
export const servedOnAdminListener = (path: string): boolean => ADMIN_ONLY.test(path);

/**
 * ADMIN_PORT: one Express app behind two listeners. Requests are told apart by the listener that accepted their
 * connection, so a path served on the other listener is a 404 there, as an unknown route is.
 */
export class AdminListener {
  private readonly sockets = new WeakSet<Socket>();
  private server: Server | null = null;

  /** Express middleware, before every route: the admin paths on the admin listener only, the others on PORT only. */
  readonly separate = (req: Request, res: Response, next: NextFunction): void => {
    if (BOTH.test(req.path) || ADMIN_ONLY.test(req.path) === this.sockets.has(req.socket)) return next();
    res.status(404).json({ statusCode: 404, error: 'not_found', message: `Cannot ${req.method} ${req.path}` });
  };

  async listen(handler: RequestListener, port: number, host: string, limits: ServerLimits): Promise<AddressInfo> {
    const server = createServer(handler);
    applyServerLimits(server, limits);
    server.on('connection', (socket) => this.sockets.add(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    return server.address() as AddressInfo;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  }
}
