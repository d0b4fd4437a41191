import { QueryFailedError } from 'typeorm';

/** SQLSTATEs that say the server is going away or not taking connections, not that the query was wrong. */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300']);
/** Socket-level failures of the driver (reaching the server, or losing it mid-query). */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);
const LOST_CONNECTION = /^Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect/;

/**
 * Why an error means "PostgreSQL cannot be reached right now" (stopped, restarting, out of connections), as its
 * SQLSTATE or driver code, or the driver's message when it has none; null for anything else (a wrong query, a bug).
 * Such a request is answered 503 with Retry-After, and may be retried as it was.
 */
export function databaseUnavailable(err: unknown): string | null {
  const cause: unknown = err instanceof QueryFailedError ? err.driverError : err;
  const code = (cause as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (code.startsWith('08') || UNAVAILABLE_STATES.has(code) || NETWORK_CODES.has(code))) return code;
  const message = (cause as { message?: unknown } | null)?.message;
  return typeof message === 'string' && LOST_CONNECTION.test(message) ? message : null;
}
