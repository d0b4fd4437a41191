import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { DomainError } from '../domain/errors';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { TokenAuthenticator } from './token-authenticator';
import { bearerToken } from './bearer';
import { RateLimiter } from './rate-limiter';

export interface AuthenticatedRequest extends Request {
  environmentId: string;
}

const UNAUTHORIZED = 'a valid API token is required: Authorization: Bearer <token>';

/**
 * Every non-admin route: a live API token (else 401, one message for every case; 429 instead of a lookup when the
 * client's address has failed too often), within its rate limit (else 429), whose environment is the one named by
 * X-environment (else 403).
 */
@Injectable()
export class TokenAuthGuard implements CanActivate {
  constructor(
    private readonly tokens: TokenAuthenticator,
    private readonly rateLimiter: RateLimiter,
    private readonly failures: AuthFailureLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerToken(request);
    const address = request.ip ?? request.socket.remoteAddress ?? '';
    const authenticated = token ? await this.tokens.authenticate(token, this.failures.gate(address)) : null;
    if (!authenticated) throw new DomainError('unauthorized', UNAUTHORIZED);
    const { environmentId, tokenHash } = authenticated;
    this.rateLimiter.admit(`api:${tokenHash}`, 'this API token');
    if (request.headers['x-environment'] !== environmentId) {
      throw new DomainError('forbidden', 'X-environment must name the environment this API token belongs to');
    }
    request.environmentId = environmentId;
    return true;
  }
}
