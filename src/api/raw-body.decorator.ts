import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { JsonBodyRequest } from './json-body';

/**
 * The request body exactly as sent (kept by the JSON parser's `verify` hook), for data that must not be
 * re-serialised; '' when there was no body (the body's DTO check refuses that request).
 */
export const RawJsonBody = createParamDecorator(
  (_: unknown, context: ExecutionContext): string => context.switchToHttp().getRequest<JsonBodyRequest>().jsonText ?? '',
);
