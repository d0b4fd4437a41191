import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { AdminGuard } from './admin.guard';
import { bearerToken } from './bearer';
import { RateLimiter } from './rate-limiter';
import { RequestAuthenticator } from './request-authenticator';

const UNAUTHORIZED = 'the admin token or a service token with the catalog scope is required: Authorization: Bearer <token>';

/**
 * Writes to the platform's catalog, which belongs to no environment: the ADMIN_TOKEN, or a live API token holding
 * `catalog` (only service tokens may), within its rate limit. No X-environment is needed.
 */
@Injectable()
export class CatalogWriterGuard implements CanActivate {
  constructor(
    private readonly admin: AdminGuard,
    private readonly requests: RequestAuthenticator,
    private readonly rateLimiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    if (this.admin.isAdminToken(bearerToken(request))) {
      this.rateLimiter.admit('admin', 'the admin token');
      return true;
    }
    this.requests.requireScope(await this.requests.principal(request, UNAUTHORIZED), ['catalog'], request);
    return true;
  }
}
