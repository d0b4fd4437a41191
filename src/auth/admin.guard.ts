import { createHash, timingSafeEqual } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { CONFIG } from '../config/injection';
import type { Config } from '../config/config';
import { DomainError } from '../domain/errors';
import { bearerToken } from './bearer';
import { RateLimiter } from './rate-limiter';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** The admin API: `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant time, within its rate limit (429). */
@Injectable()
export class AdminGuard implements CanActivate {
  private readonly expected: Buffer | null;

  constructor(
    @Inject(CONFIG) config: Config,
    private readonly rateLimiter: RateLimiter,
  ) {
    this.expected = config.adminToken ? digest(config.adminToken) : null;
  }

  /** Whether `token` is the ADMIN_TOKEN (compared in constant time). */
  isAdminToken(token: string | null | undefined): boolean {
    return this.expected !== null && !!token && timingSafeEqual(digest(token), this.expected);
  }

  canActivate(context: ExecutionContext): boolean {
    const token = bearerToken(context.switchToHttp().getRequest<Request>());
    if (!this.isAdminToken(token)) {
      throw new DomainError('unauthorized', 'the admin token is required: Authorization: Bearer <ADMIN_TOKEN>');
    }
    this.rateLimiter.admit('admin', 'the admin token');
    return true;
  }
}
