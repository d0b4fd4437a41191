import type { Request } from 'express';

/**
 * Whether a request that has no session yet (the sign-in form's POST) comes from the portal's own page, against login
 * CSRF: another site's form posting its own token to sign this browser in as someone else.
 *
 * A browser says how the page that sent the request relates to ours (Sec-Fetch-Site: it must be `same-origin`), and
 * names that page's origin (Origin: PUBLIC_URL's, or the request's own when PUBLIC_URL is unset). The portal's pages
 * answer with `Referrer-Policy: no-referrer`, under which a browser's form POST says `Origin: null`: that is accepted
 * only beside `Sec-Fetch-Site: same-origin`. A request with neither header is no browser's, and cannot sign a browser
 * in.
 */
export function fromOwnOrigin(request: Request, publicUrl: string | null): boolean {
  const site = request.headers['sec-fetch-site'];
  const origin = request.headers.origin;
  if (site !== undefined && site !== 'same-origin') return false;
  if (origin === undefined) return true;
  if (origin === 'null') return site === 'same-origin';
  const expected = publicUrl ? new URL(publicUrl).origin : `${request.protocol}://${request.get('host') ?? ''}`;
  return origin.toLowerCase() === expected.toLowerCase();
}
