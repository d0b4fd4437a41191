import { type ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { validationError } from '../domain/errors';

const isJsonObject = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The DTO checks, after one of our own: a route that takes a body gets a JSON object, else a 400 (one with `[…]`
 * reaches here with an array). A request without a body reaches here with none, and is checked as `{}`.
 */
export class RequestValidationPipe extends ValidationPipe {
  constructor() {
    super({ whitelist: true, forbidNonWhitelisted: true, stopAtFirstError: true, validationError: { target: false, value: false } });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // No body at all is an empty object: the DTO then says what is missing, and a body that is optional as a whole
    // (rotate-key's) may be left out.
    if (metadata.type === 'body' && value === undefined) return super.transform({}, metadata);
    if (metadata.type === 'body' && !isJsonObject(value)) {
      throw validationError('the request body must be a JSON object, sent with Content-Type: application/json');
    }
    return super.transform(value, metadata);
  }
}
