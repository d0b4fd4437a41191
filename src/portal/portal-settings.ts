import type { Config } from '../config/config';

/** Nest's injection token for the portal's settings. */
export const PORTAL_SETTINGS = Symbol('PORTAL_SETTINGS');

/** What the portal needs of the process's configuration. */
export interface PortalSettings {
  /** Whether the cookie says Secure: the API is reached over HTTPS (in front of it, a proxy's TLS). */
  secureCookie: boolean;
  /** CSP frame-ancestors: who may embed the portal ('none' by default). */
  frameAncestors: string;
  sessionIdleMs: number;
  sessionMaxAgeMs: number;
  /** A link's lifetime when its request names none, and the longest one may ask for. */
  linkTtlMs: number;
  linkMaxTtlMs: number;
}

export const HOUR = 3_600_000;

export function portalSettings(_config: Config): PortalSettings {
  return { secureCookie: false, frameAncestors: "'none'", sessionIdleMs: HOUR, sessionMaxAgeMs: 12 * HOUR, linkTtlMs: 15 * 60_000, linkMaxTtlMs: 24 * HOUR };
}
