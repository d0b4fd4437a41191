import { createHash, randomBytes } from 'node:crypto';
import { newId } from '../domain/ids';
import type { ApiTokenRepository } from '../persistence/repositories/api-token.repository';

export const TOKEN_PREFIX = 'pwh_';
export const TOKEN_PATTERN = /^pwh_[A-Za-z0-9_-]{43}$/;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export interface IssuedApiToken {
  id: string;
  /** The token itself: shown this once, stored only as its SHA-256. */
  token: string;
  createdAt: Date;
}

/** Issues an API token of `environmentId`: a random `pwh_…` value, stored as its hash and its first 12 characters. */
export async function issueApiToken(tokens: ApiTokenRepository, environmentId: string): Promise<IssuedApiToken> {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const stored = await tokens.insert({ id: newId('tok'), environmentId, tokenHash: hashToken(token), tokenPrefix: token.slice(0, 12) });
  return { id: stored.id, token, createdAt: stored.createdAt };
}
