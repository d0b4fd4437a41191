import type { Request } from 'express';

/**
 * Whether a request that has no session yet (the sign-in form's POST) comes from the portal's own page, against login
 * CSRF: another site's form posting its own token to sign this browser in as someone else. A browser names the page's
 * origin (Origin) and how it relates to ours (Sec-Fetch-Site) on every POST; that origin must be PUBLIC_URL's, or the
 * request's own when PUBLIC_URL is unset. A request with neither header is no browser's, and cannot sign a browser in.
 */
export function fromOwnOrigin(request: Request, publicUrl: string | null): boolean {
  const expected = publicUrl ? new URL(publicUrl).origin : `${request.protocol}://${request.get('host') ?? ''}`;
  const origin = request.headers.origin;
  if (origin !== undefined) return origin.toLowerCase() === expected.toLowerCase();
  const site = request.headers['sec-fetch-site'];
  return site === undefined || site === 'same-origin';
}
