import { type ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { validationError } from '../domain/errors';

/** The keys Nest's pipe deletes before it checks (prototype pollution): no request DTO has them. */
const SPECIAL_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
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
    if (metadata.type !== 'body') return super.transform(value, metadata);
    // A body is used as JSON.parse made it, "__proto__", "constructor" and "prototype" keys included: inside it
    // they are data (event data, a schema's properties, an example), own properties that pollute nothing. Nest's
    // pipe deletes them from what it is given, and class-transformer turns "__proto__" into a prototype: so the pipe
    // checks a copy, and the body itself is used (nothing is stripped from a body that passes: unknown properties
    // are refused). At the top, where the pipe would not see them, no DTO has such a property.
    const unknown = Object.keys(value as object).find((key) => SPECIAL_KEYS.has(key));
    if (unknown !== undefined) throw validationError(`property ${unknown} should not exist`);
    await super.transform(structuredClone(value), metadata);
    return value;
  }
}
