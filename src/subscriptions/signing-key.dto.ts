import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import type { SigningKey } from '../persistence/repositories/signing-key.repository';

export class RotateKeyRequest {
  @ApiPropertyOptional({ description: 'How long the older keys keep signing: a duration like 0s, 30m, 24h or 7d (the most)', default: '24h', example: '24h' })
  @IsOptional()
  @IsString({ message: 'overlap must be a duration string like "24h"' })
  overlap?: string;
}

/** The new key only: older keys are never returned. */
export class SigningKeyResponse {
  @ApiProperty({ example: 'key_01J…' })
  id: string;

  @ApiProperty({ description: 'The new signing key', example: 'whsec_…' })
  signatureKey: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  static from(key: SigningKey): SigningKeyResponse {
    return { id: key.id, signatureKey: key.secret, createdAt: key.createdAt.toISOString() };
  }
}
