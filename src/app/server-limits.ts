import type { Server } from 'node:http';
import type { ServerLimits } from '../config/config';

/** How often, at most, the server looks for connections past their header or request deadline (Node: 30 s). */
const MAX_CHECK_INTERVAL_MS = 1000;

/**
 * Node's defaults (60 s for the headers, 300 s a request, no cap on connections) let a client that drips its headers
 * hold a connection for a minute, and enough of them hold them all. Set before `listen`: the server reads the
 * checking interval when it starts listening, and checks the deadlines that often, so a slow client is cut within
 * a second of its deadline rather than up to 30 s after.
 */
export function applyServerLimits(server: Server, limits: ServerLimits): void {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxConnections = limits.maxConnections;
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.min(MAX_CHECK_INTERVAL_MS, limits.headersTimeoutMs);
}
