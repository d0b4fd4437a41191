import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsNumber, IsOptional, Matches, Max, Min } from 'class-validator';
import { ENVIRONMENT_ID } from '../domain/environment-id';
import type { EnvironmentEntity } from '../persistence/entities';

const ALLOW_PRIVATE_TARGETS_MESSAGE = 'allowPrivateTargets must be true or false';

const ALLOW_PRIVATE_TARGETS_DESCRIPTION = 'Subscriptions may target private, loopback and link-local addresses';

const MAX_LIMIT = 100_000;
const RATE_MESSAGE = `defaultRateLimit must be deliveries a second, a number from 0 (no limit) to ${MAX_LIMIT}, or null (the platform default)`;
const IN_FLIGHT_MESSAGE = `defaultMaxInFlight must be a whole number from 0 (no cap) to ${MAX_LIMIT}, or null (the platform default)`;
const RATE_DESCRIPTION =
  'Deliveries a second to each subscription of this environment that sets no rateLimit of its own; 0: no limit; null: the platform default (DELIVERY_RATE_LIMIT)';
const IN_FLIGHT_DESCRIPTION =
  'Attempts in flight at once to each subscription of this environment that sets no maxInFlight of its own; 0: no cap; null: the platform default (DELIVERY_MAX_IN_FLIGHT)';

/** The environment's default rate for its subscriptions: a number ≥ 0, null for the platform's (undefined: unchanged). */
const DefaultRateLimit = () => (target: object, key: string) => {
  ApiPropertyOptional({ type: Number, nullable: true, minimum: 0, maximum: MAX_LIMIT, description: RATE_DESCRIPTION, example: 20 })(target, key);
  IsOptional()(target, key);
  IsNumber({ allowNaN: false, allowInfinity: false }, { message: RATE_MESSAGE })(target, key);
  Min(0, { message: RATE_MESSAGE })(target, key);
  Max(MAX_LIMIT, { message: RATE_MESSAGE })(target, key);
};

/** The environment's default cap on attempts in flight: a whole number ≥ 0, null for the platform's (undefined: unchanged). */
const DefaultMaxInFlight = () => (target: object, key: string) => {
  ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 0, maximum: MAX_LIMIT, description: IN_FLIGHT_DESCRIPTION, example: 10 })(target, key);
  IsOptional()(target, key);
  IsInt({ message: IN_FLIGHT_MESSAGE })(target, key);
  Min(0, { message: IN_FLIGHT_MESSAGE })(target, key);
  Max(MAX_LIMIT, { message: IN_FLIGHT_MESSAGE })(target, key);
};

export class CreateEnvironmentRequest {
  @ApiProperty({ pattern: ENVIRONMENT_ID.source, example: 'production', description: '1-63 characters of a-z, 0-9, _ and -' })
  @Matches(ENVIRONMENT_ID, { message: 'id must be 1-63 characters of a-z, 0-9, _ and -, starting with a letter or digit' })
  id: string;

  @ApiPropertyOptional({ default: false, description: ALLOW_PRIVATE_TARGETS_DESCRIPTION })
  @IsOptional()
  @IsBoolean({ message: ALLOW_PRIVATE_TARGETS_MESSAGE })
  allowPrivateTargets?: boolean;

  @DefaultRateLimit()
  defaultRateLimit?: number | null;

  @DefaultMaxInFlight()
  defaultMaxInFlight?: number | null;
}

export class UpdateEnvironmentRequest {
  @ApiPropertyOptional({ description: `${ALLOW_PRIVATE_TARGETS_DESCRIPTION}; left out: unchanged` })
  @IsOptional()
  @IsBoolean({ message: ALLOW_PRIVATE_TARGETS_MESSAGE })
  allowPrivateTargets?: boolean;

  @DefaultRateLimit()
  defaultRateLimit?: number | null;

  @DefaultMaxInFlight()
  defaultMaxInFlight?: number | null;
}

export class EnvironmentResponse {
  @ApiProperty({ example: 'production' })
  id: string;

  @ApiProperty({ description: `${ALLOW_PRIVATE_TARGETS_DESCRIPTION}: this environment’s own setting (ALLOW_PRIVATE_TARGETS=true allows them everywhere)` })
  allowPrivateTargets: boolean;

  @ApiProperty({ type: Number, nullable: true, description: RATE_DESCRIPTION })
  defaultRateLimit: number | null;

  @ApiProperty({ type: 'integer', nullable: true, description: IN_FLIGHT_DESCRIPTION })
  defaultMaxInFlight: number | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  static from(environment: EnvironmentEntity): EnvironmentResponse {
    return {
      id: environment.id,
      allowPrivateTargets: environment.allowPrivateTargets,
      defaultRateLimit: environment.defaultRateLimit,
      defaultMaxInFlight: environment.defaultMaxInFlight,
      createdAt: environment.createdAt.toISOString(),
    };
  }
}
