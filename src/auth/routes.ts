import { applyDecorators, UseGuards } from '@nestjs/common';
import { AdminRouteDocs, ApiTokenRouteDocs } from '../api/openapi';
import { AdminGuard } from './admin.guard';
import { ApiVersionGuard } from './api-version.guard';
import { TokenAuthGuard } from './token-auth.guard';

/**
 * The two kinds of route, each declared once with its guards and its OpenAPI description. A controller takes one;
 * its module imports AuthModule.
 */

/** Routes for an environment's API token: a live token (TokenAuthGuard), X-environment and X-version (ApiVersionGuard). */
export const ApiTokenRoutes = (tag: string) => applyDecorators(UseGuards(TokenAuthGuard, ApiVersionGuard), ApiTokenRouteDocs(tag));

/** Routes of the admin API: the ADMIN_TOKEN (AdminGuard). */
export const AdminRoutes = (tag: string) => applyDecorators(UseGuards(AdminGuard), AdminRouteDocs(tag));
