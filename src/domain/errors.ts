/** Framework-free domain errors; the API layer maps `code` to an HTTP status. */
export type DomainErrorCode =
  | 'validation'
  | 'invalid_url'
  | 'private_target'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'unsupported_version'
  | 'unsupported_media_type';

export class DomainError extends Error {
  override readonly name = 'DomainError';

  constructor(
    readonly code: DomainErrorCode,
    message: string,
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

export function conflict(message: string): DomainError {
  return new DomainError('conflict', message);
}
