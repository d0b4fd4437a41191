import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { DomainError } from '../domain/errors';
import type { Scope } from '../domain/scopes';
import { RequestAuthenticator } from './request-authenticator';
import { ROUTE_SCOPES } from './route-scopes';
import { TokenAuthenticator } from './token-authenticator';

export interface AuthenticatedRequest extends Request {
  environmentId: string;
}

const UNAUTHORIZED = 'a valid API token is required: Authorization: Bearer <token>';

/**
 * Every non-admin route: a live API token (else 401, one message for every case; 429 instead of a lookup when the
 * client's address has failed too often), within its rate limit (else 429), allowed in the environment named by
 * X-environment (else 403: an environment token in its own, a service token in those it lists), and holding one of
 * the scopes the route accepts (else 403 naming them).
 */
@Injectable()
export class TokenAuthGuard implements CanActivate {
  constructor(
    private readonly requests: RequestAuthenticator,
    private readonly tokens: TokenAuthenticator,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = await this.requests.principal(request, UNAUTHORIZED);
    const environmentId = request.headers['x-environment'];
    if (!(await this.tokens.mayUse(principal, typeof environmentId === 'string' ? environmentId : undefined))) {
      throw new DomainError(
        'forbidden',
        principal.kind === 'environment'
          ? 'X-environment must name the environment this API token belongs to'
          : 'X-environment must name an environment this service token may use',
      );
    }
    const accepted = this.reflector.getAllAndOverride<readonly Scope[] | undefined>(ROUTE_SCOPES, [context.getHandler(), context.getClass()]);
    // Every API-token route names its scopes (ApiTokenRoutes, RequiresScope): one that does not is refused, not opened.
    this.requests.requireScope(principal, accepted ?? [], request);
    request.environmentId = environmentId as string;
    return true;
  }
}
