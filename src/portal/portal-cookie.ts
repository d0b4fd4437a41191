import { serialize } from 'cookie';
import type { Response } from 'express';
import { PORTAL_COOKIE } from './portal-session.guard';
import type { PortalSettings } from './portal-settings';

/** Sets the session cookie: HttpOnly, SameSite=Strict, only for /portal, Secure when the API is reached over HTTPS. */
export function setSessionCookie(response: Response, settings: PortalSettings, cookieToken: string): void {
  const cookie = serialize(PORTAL_COOKIE, cookieToken, {
    httpOnly: true,
    sameSite: 'strict',
    secure: settings.secureCookie,
    path: '/portal',
    maxAge: Math.floor(settings.sessionMaxAgeMs / 1000),
  });
  response.append('Set-Cookie', cookie);
}

export function clearSessionCookie(response: Response, settings: PortalSettings): void {
  response.append(
    'Set-Cookie',
    serialize(PORTAL_COOKIE, '', { httpOnly: true, sameSite: 'strict', secure: settings.secureCookie, path: '/portal', maxAge: 0 }),
  );
}
