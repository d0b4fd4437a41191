import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DomainError, type DomainErrorCode, validationError } from '../domain/errors';

/** A portal form as the urlencoded parser gives it: a repeated field is an array. */
export type FormBody = Record<string, string | string[] | undefined> | undefined;

/** Messages by field name; '' is the form's own (not one field's). */
export type FieldErrors = Record<string, string>;

/** A form's input refused: its messages by field, and the status the one error map gives its code. */
export interface RefusedInput {
  errors: FieldErrors;
  code: DomainErrorCode;
}

/** A field's single value ('' when absent; the first when repeated). */
export function textField(body: FormBody, name: string): string {
  const value = body?.[name];
  return typeof value === 'string' ? value : Array.isArray(value) ? (value[0] ?? '') : '';
}

/** A field's values (checkboxes): none, one or several. */
export function listField(body: FormBody, name: string): string[] {
  const value = body?.[name];
  return typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
}

/** A number field: empty means null (the platform's default); anything else its number, NaN when it is none (the DTO says why). */
export function numberOrNull(text: string): number | null {
  const trimmed = text.trim();
  return trimmed === '' ? null : Number(trimmed);
}

/** The API's own request checks (the DTO's class-validator rules, as RequestValidationPipe runs them): the first message per field. */
export async function checkRequest<T extends object>(dto: new () => T, request: object): Promise<RefusedInput | null> {
  const found = await validate(plainToInstance(dto, request), { whitelist: true, forbidNonWhitelisted: true, stopAtFirstError: true });
  if (found.length === 0) return null;
  const errors = Object.fromEntries(found.map((error) => [error.property, Object.values(error.constraints ?? {})[0] ?? `${error.property} is not valid`]));
  return { errors, code: 'validation' };
}

/**
 * The API's own checks of a request (its DTO's class-validator rules) on what a form gave: the request as its DTO, or
 * the first problem thrown as the validation error the API would answer with.
 */
export async function checkedRequest<T extends object>(dto: new () => T, plain: object): Promise<T> {
  const request = plainToInstance(dto, plain);
  const [problem] = await validate(request, { stopAtFirstError: true });
  if (problem) throw validationError(Object.values(problem.constraints ?? {})[0] ?? `${problem.property} is not valid`);
  return request;
}

/** The domain error codes that say the reader's input is wrong: the form is shown again with the message beside it. */
const INPUT_CODES = new Set<DomainErrorCode>(['validation', 'invalid_url', 'private_target', 'unprocessable', 'conflict']);

/**
 * A domain error about the input, as messages by field (`fieldOf` names the field of a code, else the form's own),
 * or the error itself rethrown (the portal's error page shows it).
 */
export function refusedInput(error: unknown, fieldOf: (code: DomainErrorCode) => string = () => ''): RefusedInput {
  if (!(error instanceof DomainError) || !INPUT_CODES.has(error.code)) throw error;
  return { errors: { [fieldOf(error.code)]: error.message }, code: error.code };
}
