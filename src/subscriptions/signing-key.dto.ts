import { IsOptional, IsString } from 'class-validator';
import type { SigningKey } from '../persistence/repositories/signing-key.repository';

export class RotateKeyRequest {
  /** How long the older keys keep signing: a duration like 0s, 30m, 24h (the default) or 7d (the most). */
  @IsOptional()
  @IsString({ message: 'overlap must be a duration string like "24h"' })
  overlap?: string;
}

/** The new key only: older keys are never returned. */
export class SigningKeyResponse {
  id: string;
  signatureKey: string;
  createdAt: string;

  static from(key: SigningKey): SigningKeyResponse {
    return { id: key.id, signatureKey: key.secret, createdAt: key.createdAt.toISOString() };
  }
}
