import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, Matches } from 'class-validator';
import { ENVIRONMENT_ID } from '../domain/environment-id';
import type { EnvironmentEntity } from '../persistence/entities';

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
