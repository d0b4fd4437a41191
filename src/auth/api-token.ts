import { createHash, randomBytes } from 'node:crypto';
import { newId } from '../domain/ids';
import { DEFAULT_ENVIRONMENT_SCOPES, type Scope } from '../domain/scopes';
import type { ApiTokenRepository } from '../persistence/repositories/api-token.repository';

export const TOKEN_PREFIX = 'pwh_';
export const TOKEN_PATTERN = /^pwh_[A-Za-z0-9_-]{43}$/;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export interface IssuedApiToken {
  id: string;
  /** The token itself: shown this once, stored only as its SHA-256. */
  token: string;
  scopes: Scope[];
  createdAt: Date;
}

/** A random `pwh_…` value, and what is stored of it: its hash and its first 12 characters. */
function newToken(): { token: string; tokenHash: string; tokenPrefix: string } {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  return { token, tokenHash: hashToken(token), tokenPrefix: token.slice(0, 12) };
}

/** Issues an API token of `environmentId` with `scopes` (checked by the caller): the integrator's by default. */
export async function issueApiToken(
  tokens: ApiTokenRepository,
  environmentId: string,
  scopes: readonly Scope[] = DEFAULT_ENVIRONMENT_SCOPES,
): Promise<IssuedApiToken> {
  const { token, tokenHash, tokenPrefix } = newToken();
  const stored = await tokens.insert({ id: newId('tok'), environmentId, tokenHash, tokenPrefix, scopes: [...scopes] });
  return { id: stored.id, token, scopes: stored.scopes, createdAt: stored.createdAt };
}

/** Issues a service token (scopes checked by the caller) for `environments`, null for every environment. */
export async function issueServiceToken(
  tokens: ApiTokenRepository,
  service: { name: string; scopes: readonly Scope[]; environments: string[] | null },
): Promise<IssuedApiToken> {
  const { token, tokenHash, tokenPrefix } = newToken();
  const stored = await tokens.insertService({ id: newId('tok'), tokenHash, tokenPrefix, ...service, scopes: [...service.scopes] });
  return { id: stored.id, token, scopes: stored.scopes, createdAt: stored.createdAt };
}
