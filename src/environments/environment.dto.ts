import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, Matches } from 'class-validator';
import type { ApiTokenEntity, EnvironmentEntity } from '../persistence/entities';

export const ENVIRONMENT_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;

const ALLOW_PRIVATE_TARGETS_MESSAGE = 'allowPrivateTargets must be true or false';

const ALLOW_PRIVATE_TARGETS_DESCRIPTION = 'Subscriptions may target private, loopback and link-local addresses';

export class CreateEnvironmentRequest {
  @ApiProperty({ pattern: ENVIRONMENT_ID.source, example: 'production', description: '1-63 characters of a-z, 0-9, _ and -' })
  @Matches(ENVIRONMENT_ID, { message: 'id must be 1-63 characters of a-z, 0-9, _ and -, starting with a letter or digit' })
  id: string;

  @ApiPropertyOptional({ default: false, description: ALLOW_PRIVATE_TARGETS_DESCRIPTION })
  @IsOptional()
  @IsBoolean({ message: ALLOW_PRIVATE_TARGETS_MESSAGE })
  allowPrivateTargets?: boolean;
}

export class UpdateEnvironmentRequest {
  @ApiPropertyOptional({ description: `${ALLOW_PRIVATE_TARGETS_DESCRIPTION}; left out: unchanged` })
  @IsOptional()
  @IsBoolean({ message: ALLOW_PRIVATE_TARGETS_MESSAGE })
  allowPrivateTargets?: boolean;
}

export class EnvironmentResponse {
  @ApiProperty({ example: 'production' })
  id: string;

  @ApiProperty({ description: `${ALLOW_PRIVATE_TARGETS_DESCRIPTION}: this environment’s own setting (ALLOW_PRIVATE_TARGETS=true allows them everywhere)` })
  allowPrivateTargets: boolean;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  static from(environment: EnvironmentEntity): EnvironmentResponse {
    return { id: environment.id, allowPrivateTargets: environment.allowPrivateTargets, createdAt: environment.createdAt.toISOString() };
  }
}

export class ApiTokenResponse {
  @ApiProperty({ description: 'The token, shown this once: only its SHA-256 hash is stored', example: 'pwh_…' })
  token: string;

  @ApiProperty({ example: 'tok_01J…' })
  id: string;

  @ApiProperty()
  environmentId: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

/** A token as the admin API lists it: never the token nor its hash. */
export class ApiTokenSummaryResponse {
  @ApiProperty({ example: 'tok_01J…' })
  id: string;

  @ApiProperty({ description: 'The token’s first 12 characters, to tell tokens apart', example: 'pwh_Zq3xY7aB' })
  prefix: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'To about a minute and a half; null until the token authenticates a request' })
  lastUsedAt: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  revokedAt: string | null;

  static from(token: ApiTokenEntity): ApiTokenSummaryResponse {
    return {
      id: token.id,
      prefix: token.tokenPrefix,
      createdAt: token.createdAt.toISOString(),
      lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
      revokedAt: token.revokedAt?.toISOString() ?? null,
    };
  }
}
