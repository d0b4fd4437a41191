import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { DomainError } from '../domain/errors';
import { scopeRefusal } from '../domain/scopes';
import { AdminGuard } from './admin.guard';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { bearerToken } from './bearer';
import { RateLimiter } from './rate-limiter';
import { TokenAuthenticator } from './token-authenticator';

const UNAUTHORIZED = 'the admin token or a service token with the catalog scope is required: Authorization: Bearer <token>';

/**
 * Writes to the platform's catalog, which belongs to no environment: the ADMIN_TOKEN, or a live API token holding
 * `catalog` (only service tokens may), within its rate limit. No X-environment is needed.
 */
@Injectable()
export class CatalogWriterGuard implements CanActivate {
  constructor(
    private readonly admin: AdminGuard,
    private readonly tokens: TokenAuthenticator,
    private readonly rateLimiter: RateLimiter,
    private readonly failures: AuthFailureLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    const token = bearerToken(request);
    if (this.admin.isAdminToken(token)) {
      this.rateLimiter.admit('admin', 'the admin token');
      return true;
    }
    const address = request.ip ?? request.socket.remoteAddress ?? '';
    const principal = token ? await this.tokens.authenticate(token, this.failures.gate(address)) : null;
    if (!principal) throw new DomainError('unauthorized', UNAUTHORIZED);
    this.rateLimiter.admit(`api:${principal.tokenHash}`, 'this API token');
    const route = `${request.method} ${(request.route as { path?: string } | undefined)?.path ?? request.path}`;
    const refusal = scopeRefusal(principal.scopes, ['catalog'], route);
    if (refusal) throw new DomainError('forbidden', refusal);
    return true;
  }
}
