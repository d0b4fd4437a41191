import { createHmac, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { hashToken } from '../auth/api-token';
import { AuthFailureLimiter } from '../auth/auth-failure-limiter';
import { RateLimiter } from '../auth/rate-limiter';
import { TokenAuthenticator } from '../auth/token-authenticator';
import { ENVIRONMENT_ID } from '../domain/environment-id';
import { DomainError, notFound } from '../domain/errors';
import { newId } from '../domain/ids';
import { type PortalBranding, PortalSessionRepository } from '../persistence/repositories/portal-session.repository';
import { PORTAL_SETTINGS, type PortalSettings } from './portal-settings';

/** What a request made in a portal session may see and do. */
export interface PortalSession {
  id: string;
  environmentId: string;
  /** The token every form of this session carries (`_csrf`): derived from the cookie, never stored. */
  csrfToken: string;
  /** How the environment is shown (read with the session: no query of its own). */
  branding: PortalBranding;
}

/** A portal session's (or link's) ID: `pss_` and a ULID. */
const SESSION_ID = /^pss_[0-9A-Z]{26}$/;

const secret = () => randomBytes(32).toString('base64url');

/** The token a form proves it came from this session's pages with: an HMAC of the cookie, which a page on another origin cannot read. */
export const csrfTokenOf = (cookieToken: string) => createHmac('sha256', cookieToken).update('plude-portal-csrf').digest('base64url');

/** A pasted token that opens no session: one message for every case, never which part was wrong. */
export const SIGN_IN_REFUSED = 'That token does not open the portal. Paste the API token of your environment (it starts with pwh_).';

/** One-time links, and the sessions they open: idle for an hour at most, 12 hours in all, revocable. */
@Injectable()
export class PortalSessionsService {
  constructor(
    private readonly sessions: PortalSessionRepository,
    private readonly tokens: TokenAuthenticator,
    private readonly failures: AuthFailureLimiter,
    private readonly rateLimiter: RateLimiter,
    @Inject(PORTAL_SETTINGS) private readonly settings: PortalSettings,
  ) {}

  /** A link that opens a session of `environmentId` once, until `ttlMs` from now. */
  async createLink(environmentId: string, ttlMs: number): Promise<{ id: string; token: string; expiresAt: Date }> {
    // An ID that cannot exist never reaches the database (a NUL character would make PostgreSQL fail).
    if (!ENVIRONMENT_ID.test(environmentId)) throw notFound('environment', environmentId);
    const token = `ppl_${secret()}`;
    const id = newId('pss');
    const expiresAt = new Date(Date.now() + ttlMs);
    const made = await this.sessions.insertLink({ id, environmentId, linkHash: hashToken(token), expiresAt });
    if (!made) throw notFound('environment', environmentId);
    return { id, token, expiresAt };
  }

  /** Uses a link: the cookie token of its new session, or null when the link is unknown, used, expired or revoked. */
  async openLink(linkToken: string): Promise<{ cookieToken: string; session: PortalSession } | null> {
    const cookieToken = `pps_${secret()}`;
    const row = await this.sessions.openLink(hashToken(linkToken), hashToken(cookieToken), this.settings.sessionMaxAgeMs);
    return row ? { cookieToken, session: { ...row, csrfToken: csrfTokenOf(cookieToken) } } : null;
  }

  /**
   * Signs in with a pasted API token: a live environment token holding `subscriptions` opens a session of its
   * environment, which ends when the token is revoked. Anything else is a 401 (SIGN_IN_REFUSED). A token that needs a
   * lookup counts against the client address's AUTH_FAILURE_LIMIT, as on the API (429 past it).
   */
  async signIn(apiToken: string, address: string): Promise<{ cookieToken: string; session: PortalSession }> {
    const principal = await this.tokens.authenticate(apiToken, this.failures.gate(address));
    if (!principal || principal.kind !== 'environment' || !principal.scopes.includes('subscriptions')) {
      throw new DomainError('unauthorized', SIGN_IN_REFUSED);
    }
    this.rateLimiter.admit(`api:${principal.tokenHash}`, 'this API token');
    const cookieToken = `pps_${secret()}`;
    const row = await this.sessions.openSignedIn({
      id: newId('pss'),
      tokenHash: principal.tokenHash,
      sessionHash: hashToken(cookieToken),
      maxAgeMs: this.settings.sessionMaxAgeMs,
    });
    if (!row) throw new DomainError('unauthorized', SIGN_IN_REFUSED); // revoked since this process cached it
    return { cookieToken, session: { ...row, csrfToken: csrfTokenOf(cookieToken) } };
  }

  /** The live session of a cookie token, or null. */
  async authenticate(cookieToken: string): Promise<PortalSession | null> {
    const row = await this.sessions.touch(hashToken(cookieToken), this.settings.sessionIdleMs);
    return row ? { ...row, csrfToken: csrfTokenOf(cookieToken) } : null;
  }

  async signOut(session: PortalSession): Promise<void> {
    await this.sessions.revoke(session.id);
  }

  /** Ends every session and unused link of `environmentId` (the platform's revocation). */
  async revokeEnvironment(environmentId: string): Promise<void> {
    if (!ENVIRONMENT_ID.test(environmentId) || !(await this.sessions.revokeEnvironment(environmentId))) throw notFound('environment', environmentId);
  }

  /** Ends one session or unused link of `environmentId`: 404 when it has no such one. */
  async revokeOne(environmentId: string, sessionId: string): Promise<void> {
    const known = SESSION_ID.test(sessionId) && ENVIRONMENT_ID.test(environmentId) && (await this.sessions.revokeOfEnvironment(environmentId, sessionId));
    if (!known) throw notFound('portal session', sessionId);
  }
}
