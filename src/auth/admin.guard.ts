import { createHash, timingSafeEqual } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { CONFIG } from '../config/injection';
import type { Config } from '../config/config';
import { DomainError } from '../domain/errors';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { bearerToken } from './bearer';
import { RateLimiter } from './rate-limiter';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * The admin API: `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant time, within its rate limit (429).
 * A wrong token counts against the client address's failures (AUTH_FAILURE_LIMIT): an address that has used them
 * up gets 429 before its token is compared, so the token cannot be guessed at the speed of the network.
 */
@Injectable()
export class AdminGuard implements CanActivate {
  private readonly expected: Buffer | null;

  constructor(
    @Inject(CONFIG) config: Config,
    private readonly rateLimiter: RateLimiter,
    private readonly failures: AuthFailureLimiter,
  ) {
    this.expected = config.adminToken ? digest(config.adminToken) : null;
  }

  /** Whether `token` is the ADMIN_TOKEN (compared in constant time). */
  isAdminToken(token: string | null | undefined): boolean {
    return this.expected !== null && !!token && timingSafeEqual(digest(token), this.expected);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const gate = this.failures.gate(request.ip ?? request.socket.remoteAddress ?? '');
    gate.admitLookup();
    const token = bearerToken(request);
    if (!this.isAdminToken(token)) {
      gate.failed();
      throw new DomainError('unauthorized', 'the admin token is required: Authorization: Bearer <ADMIN_TOKEN>');
    }
    this.rateLimiter.admit('admin', 'the admin token');
    return true;
  }
}
