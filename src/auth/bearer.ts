import type { Request } from 'express';

/**
 * The token of an `Authorization: Bearer <token>` header, or null: for no such header, another scheme, an empty or
 * spaced token, and for two Authorization headers (Node keeps the first, a proxy in front may have read the last).
 * Spaces and tabs around the whole value are not part of it (RFC 9110), and Node drops them before this sees it.
 */
export function bearerToken(request: Request): string | null {
  const headers = request.headersDistinct?.authorization ?? (request.headers.authorization === undefined ? [] : [request.headers.authorization]);
  if (headers.length !== 1) return null;
  const match = /^Bearer[ \t]+([^\s,]+)$/i.exec(headers[0]);
  return match ? match[1] : null;
}
