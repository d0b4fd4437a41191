/** Framework-free domain errors; the API layer maps `code` to an HTTP status. */
export type DomainErrorCode =
  | 'validation'
  | 'invalid_url'
  | 'private_target'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'unprocessable'
  | 'unavailable'
  | 'unsupported_version'
  | 'unsupported_media_type'
  | 'rate_limited';

export class DomainError extends Error {
  override readonly name = 'DomainError';

  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /**
     * What the answer adds to the message: the schema violations of a 422 (`errors`), and the `retryAfterSeconds`
     * of a 429 or a 503 (its Retry-After header); nothing else is output.
     */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

export function notFound(kind: string, id: string): DomainError {
  return new DomainError('not_found', `${kind} ${id} not found`);
}

export function validationError(message: string): DomainError {
  return new DomainError('validation', message);
}

export function conflict(message: string, details?: Record<string, unknown>): DomainError {
  return new DomainError('conflict', message, details);
}

/** Well-formed input that breaks a rule of the domain (event data that does not match its type's schema, …): 422. */
export function unprocessable(message: string, details?: Record<string, unknown>): DomainError {
  return new DomainError('unprocessable', message, details);
}

/** Too many requests for one token: try again in `retryAfterSeconds` (whole seconds, at least 1). */
export function rateLimited(message: string, retryAfterSeconds: number): DomainError {
  return new DomainError('rate_limited', message, { retryAfterSeconds });
}
