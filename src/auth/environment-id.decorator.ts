import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest } from './token-auth.guard';

/** The environment that TokenAuthGuard authenticated. */
export const EnvironmentId = createParamDecorator(
  (_: unknown, context: ExecutionContext) => context.switchToHttp().getRequest<AuthenticatedRequest>().environmentId,
);
