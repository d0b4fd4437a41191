import { Module } from '@nestjs/common';
import { provideRepositories } from '../persistence/nest-providers';
import { ApiTokenRepository } from '../persistence/repositories/api-token.repository';
import { EnvironmentRepository } from '../persistence/repositories/environment.repository';
import { AdminGuard } from './admin.guard';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { ApiVersionGuard } from './api-version.guard';
import { CatalogWriterGuard } from './catalog-writer.guard';
import { EventEraserGuard } from './event-eraser.guard';
import { PortalLinkGuard } from './portal-link.guard';
import { RateLimiter } from './rate-limiter';
import { RequestAuthenticator } from './request-authenticator';
import { TokenAuthGuard } from './token-auth.guard';
import { TokenAuthenticator } from './token-authenticator';

/**
 * Who may call a route: the token authenticator and the rate limiters (one of each per process, whichever module
 * imports this one) and the guards that ApiTokenRoutes and AdminRoutes (./routes.ts) put on every controller.
 */
@Module({
  providers: [
    ...provideRepositories(ApiTokenRepository, EnvironmentRepository),
    TokenAuthenticator,
    RateLimiter,
    AuthFailureLimiter,
    RequestAuthenticator,
    TokenAuthGuard,
    AdminGuard,
    ApiVersionGuard,
    CatalogWriterGuard,
    EventEraserGuard,
    PortalLinkGuard,
  ],
  exports: [
    TokenAuthenticator,
    RequestAuthenticator,
    RateLimiter,
    AuthFailureLimiter,
    TokenAuthGuard,
    AdminGuard,
    ApiVersionGuard,
    CatalogWriterGuard,
    EventEraserGuard,
    PortalLinkGuard,
  ],
})
export class AuthModule {}
