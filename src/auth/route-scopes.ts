import { SetMetadata } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { ScopeDocs } from '../api/openapi';
import type { Scope } from '../domain/scopes';

/** The metadata key of the scopes a route accepts (any one of them), read by TokenAuthGuard. */
export const ROUTE_SCOPES = 'plude:route-scopes';

/**
 * The scopes an API-token route accepts, any one of them: checked by TokenAuthGuard (403 naming them) and stated
 * in the OpenAPI document (the route's security requirements and `x-scopes`). On a route, it overrides the scopes
 * its controller's ApiTokenRoutes names.
 */
export const RequiresScope =
  (...scopes: [Scope, ...Scope[]]): MethodDecorator =>
  (target, key, descriptor) => {
    SetMetadata(ROUTE_SCOPES, scopes)(target, key, descriptor);
    ScopeDocs(scopes)(target, key, descriptor);
  };

/** Gives every route of `controller` that names no scopes of its own these ones. */
export function scopeEveryRoute(controller: { prototype: object }, scopes: [Scope, ...Scope[]]): void {
  const prototype = controller.prototype as Record<string, unknown>;
  for (const key of Object.getOwnPropertyNames(prototype)) {
    const handler = prototype[key];
    if (key === 'constructor' || typeof handler !== 'function') continue;
    if (Reflect.getMetadata(PATH_METADATA, handler) === undefined || Reflect.getMetadata(ROUTE_SCOPES, handler) !== undefined) continue;
    const descriptor = Object.getOwnPropertyDescriptor(prototype, key) as PropertyDescriptor;
    RequiresScope(...scopes)(prototype, key, descriptor);
  }
}
