import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { DomainError } from '../domain/errors';
import { AdminGuard } from './admin.guard';
import { bearerToken } from './bearer';
import { RateLimiter } from './rate-limiter';
import { RequestAuthenticator } from './request-authenticator';
import { TokenAuthenticator } from './token-authenticator';

const UNAUTHORIZED = 'the admin token or a service token with the portal scope is required: Authorization: Bearer <token>';

/**
 * Portal links and sessions of the environment in the route (`/admin/environments/:id/portal-sessions`): the
 * ADMIN_TOKEN, or a live service token allowed in that environment (else 403) holding `portal` (else 403 naming it),
 * within its rate limit. The environment is the route's, so no X-environment is needed.
 */
@Injectable()
export class PortalLinkGuard implements CanActivate {
  constructor(
    private readonly admin: AdminGuard,
    private readonly requests: RequestAuthenticator,
    private readonly tokens: TokenAuthenticator,
    private readonly rateLimiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    if (this.admin.isAdminToken(bearerToken(request))) {
      this.rateLimiter.admit('admin', 'the admin token');
      return true;
    }
    const principal = await this.requests.principal(request, UNAUTHORIZED);
    const environmentId = (request.params as Record<string, string | undefined>).id;
    if (principal.kind !== 'service' || !(await this.tokens.mayUse(principal, environmentId))) {
      throw new DomainError('forbidden', 'portal links are given with the admin token or a service token that may use this environment');
    }
    this.requests.requireScope(principal, ['portal'], request);
    return true;
  }
}
