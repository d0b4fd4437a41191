import { createHmac, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { hashToken } from '../auth/api-token';
import { DomainError } from '../domain/errors';
import { newId } from '../domain/ids';
import { PortalSessionRepository } from '../persistence/repositories/portal-session.repository';
import { PORTAL_SETTINGS, type PortalSettings } from './portal-settings';

/** What a request made in a portal session may see and do. */
export interface PortalSession {
  id: string;
  environmentId: string;
  /** The token every form of this session carries (`_csrf`): derived from the cookie, never stored. */
  csrfToken: string;
}

const secret = () => randomBytes(32).toString('base64url');

/** The token a form proves it came from this session's pages with: an HMAC of the cookie, which a page on another origin cannot read. */
export const csrfTokenOf = (cookieToken: string) => createHmac('sha256', cookieToken).update('plude-portal-csrf').digest('base64url');

/** One-time links, and the sessions they open: idle for an hour at most, 12 hours in all, revocable. */
@Injectable()
export class PortalSessionsService {
  constructor(
    private readonly sessions: PortalSessionRepository,
    @Inject(PORTAL_SETTINGS) private readonly settings: PortalSettings,
  ) {}

  /** A link that opens a session of `environmentId` once, until `ttlMs` from now. */
  async createLink(environmentId: string, ttlMs: number): Promise<{ token: string; expiresAt: Date }> {
    const token = `ppl_${secret()}`;
    const expiresAt = new Date(Date.now() + ttlMs);
    const made = await this.sessions.insertLink({ id: newId('pss'), environmentId, linkHash: hashToken(token), expiresAt });
    if (!made) throw new DomainError('not_found', `environment ${environmentId} not found`);
    return { token, expiresAt };
  }

  /** Uses a link: the cookie token of its new session, or null when the link is unknown, used, expired or revoked. */
  async openLink(linkToken: string): Promise<{ cookieToken: string; session: PortalSession } | null> {
    const cookieToken = `pps_${secret()}`;
    const row = await this.sessions.openLink(hashToken(linkToken), hashToken(cookieToken), this.settings.sessionMaxAgeMs);
    return row ? { cookieToken, session: { ...row, csrfToken: csrfTokenOf(cookieToken) } } : null;
  }

  /** The live session of a cookie token, or null. */
  async authenticate(cookieToken: string): Promise<PortalSession | null> {
    const row = await this.sessions.touch(hashToken(cookieToken), this.settings.sessionIdleMs);
    return row ? { ...row, csrfToken: csrfTokenOf(cookieToken) } : null;
  }

  async signOut(session: PortalSession): Promise<void> {
    await this.sessions.revoke(session.id);
  }
}
