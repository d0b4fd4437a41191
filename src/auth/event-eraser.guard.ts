import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { DomainError } from '../domain/errors';
import { AdminGuard } from './admin.guard';
import { bearerToken } from './bearer';
import { RateLimiter } from './rate-limiter';
import { type AuthenticatedRequest, TokenAuthGuard } from './token-auth.guard';

/**
 * Erasing an event's data (DELETE /events/:id/data): the ADMIN_TOKEN, in the environment X-environment names, or an
 * API token as every other route takes one (TokenAuthGuard), holding the scope the route names (`publish`).
 */
@Injectable()
export class EventEraserGuard implements CanActivate {
  constructor(
    private readonly admin: AdminGuard,
    private readonly tokens: TokenAuthGuard,
    private readonly rateLimiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (!this.admin.isAdminToken(bearerToken(request))) return this.tokens.canActivate(context);
    this.rateLimiter.admit('admin', 'the admin token');
    const environmentId = request.headers['x-environment'];
    if (typeof environmentId !== 'string' || environmentId === '') throw new DomainError('forbidden', 'X-environment must name the event’s environment');
    request.environmentId = environmentId;
    return true;
  }
}
