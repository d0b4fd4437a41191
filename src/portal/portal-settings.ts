import type { Config } from '../config/config';

/** Nest's injection token for the portal's settings. */
export const PORTAL_SETTINGS = Symbol('PORTAL_SETTINGS');

/** What the portal needs of the process's configuration. */
export interface PortalSettings {
  /**
   * The API's external base URL (PUBLIC_URL) that links are made of, and whose origin a sign-in form must come from;
   * null: each request's own (what the listener that answered it was called: behind ADMIN_PORT, the admin listener).
   */
  publicUrl: string | null;
  /** Whether the cookie says Secure: PUBLIC_URL is https:// (in front of the API, a proxy's TLS). */
  secureCookie: boolean;
  /** CSP frame-ancestors: who may embed the portal ('none' by default; PORTAL_FRAME_ANCESTORS). */
  frameAncestors: string;
  sessionIdleMs: number;
  sessionMaxAgeMs: number;
  /** A link's lifetime when its request names none, and the shortest and longest one may ask for. */
  linkTtlMs: number;
  linkMinTtlMs: number;
  linkMaxTtlMs: number;
}

export const HOUR = 3_600_000;

export function portalSettings(config: Config): PortalSettings {
  const { publicUrl, frameAncestors } = config.portal;
  return {
    publicUrl,
    secureCookie: publicUrl !== null && publicUrl.startsWith('https://'),
    frameAncestors,
    sessionIdleMs: HOUR,
    sessionMaxAgeMs: 12 * HOUR,
    linkTtlMs: 15 * 60_000,
    linkMinTtlMs: 1_000,
    linkMaxTtlMs: 24 * HOUR,
  };
}
