import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { DomainError } from '../domain/errors';
import { type Scope, scopeRefusal } from '../domain/scopes';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { bearerToken } from './bearer';
import { RateLimiter } from './rate-limiter';
import { type Principal, TokenAuthenticator } from './token-authenticator';

/** The route as the scope refusal names it: `POST /events`, with the route's pattern when Express matched one. */
const routeOf = (request: Request) => `${request.method} ${(request.route as { path?: string } | undefined)?.path ?? request.path}`;

/** The steps every API-token guard takes, in one place: who the bearer is, within its limits, holding a scope. */
@Injectable()
export class RequestAuthenticator {
  constructor(
    private readonly tokens: TokenAuthenticator,
    private readonly rateLimiter: RateLimiter,
    private readonly failures: AuthFailureLimiter,
  ) {}

  /**
   * The principal of the request's live API token, within its rate limit (else 429). Anything else is a 401 with
   * `unauthorized` as its message, one message for every case; past the client address's AUTH_FAILURE_LIMIT, a 429
   * instead of a lookup.
   */
  async principal(request: Request, unauthorized: string): Promise<Principal> {
    const token = bearerToken(request);
    const address = request.ip ?? request.socket.remoteAddress ?? '';
    const principal = token ? await this.tokens.authenticate(token, this.failures.gate(address)) : null;
    if (!principal) throw new DomainError('unauthorized', unauthorized);
    this.rateLimiter.admit(`api:${principal.tokenHash}`, 'this API token');
    return principal;
  }

  /** A 403 naming the scopes the route accepts when the principal holds none of them. */
  requireScope(principal: Principal, accepted: readonly Scope[], request: Request): void {
    const refusal = scopeRefusal(principal.scopes, accepted, routeOf(request));
    if (refusal) throw new DomainError('forbidden', refusal);
  }
}
