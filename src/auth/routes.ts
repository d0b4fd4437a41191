import { applyDecorators, UseGuards } from '@nestjs/common';
import { AdminRouteDocs, ApiTokenRouteDocs, CatalogRouteDocs, EraserRouteDocs, PortalLinkRouteDocs } from '../api/openapi';
import type { Scope } from '../domain/scopes';
import { AdminGuard } from './admin.guard';
import { ApiVersionGuard } from './api-version.guard';
import { CatalogWriterGuard } from './catalog-writer.guard';
import { EventEraserGuard } from './event-eraser.guard';
import { PortalLinkGuard } from './portal-link.guard';
import { scopeEveryRoute } from './route-scopes';
import { TokenAuthGuard } from './token-auth.guard';

/**
 * The kinds of route, each declared once with its guards and its OpenAPI description. A controller takes one;
 * its module imports AuthModule.
 */

/**
 * Routes for an API token: a live token (TokenAuthGuard) allowed in the environment X-environment names, holding one
 * of `scopes` (a route may name its own with RequiresScope), and X-version (ApiVersionGuard).
 */
export const ApiTokenRoutes = (tag: string, ...scopes: [Scope, ...Scope[]]) =>
  applyDecorators(UseGuards(TokenAuthGuard, ApiVersionGuard), ApiTokenRouteDocs(tag), (controller: { prototype: object }) =>
    scopeEveryRoute(controller, scopes),
  );

/** Routes of the admin API: the ADMIN_TOKEN (AdminGuard). */
export const AdminRoutes = (tag: string) => applyDecorators(UseGuards(AdminGuard), AdminRouteDocs(tag));

/** Writes to the platform's catalog: the ADMIN_TOKEN, or a service token with the catalog scope (CatalogWriterGuard). */
export const CatalogRoutes = (tag: string) => applyDecorators(UseGuards(CatalogWriterGuard), CatalogRouteDocs(tag));

/**
 * An environment's portal links and sessions: the ADMIN_TOKEN, or a service token with the portal scope allowed in
 * the route's environment (PortalLinkGuard).
 */
export const PortalLinkRoutes = (tag: string) => applyDecorators(UseGuards(PortalLinkGuard), PortalLinkRouteDocs(tag));

/**
 * Erasing an event's data: the ADMIN_TOKEN with X-environment, or an API token with `publish` in that environment
 * (EventEraserGuard), and X-version.
 */
export const EraserRoutes = (tag: string) =>
  applyDecorators(UseGuards(EventEraserGuard, ApiVersionGuard), EraserRouteDocs(tag), (controller: { prototype: object }) =>
    scopeEveryRoute(controller, ['publish']),
  );
