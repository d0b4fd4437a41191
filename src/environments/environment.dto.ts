import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsNumber, IsOptional, IsString, IsUrl, Length, Matches, Max, MaxLength, Min } from 'class-validator';
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

const DISPLAY_NAME_DESCRIPTION = 'The name the integrator portal shows in its header (1-100 characters); null: the environment’s ID';
const ACCENT_COLOR_DESCRIPTION = 'The integrator portal’s accent colour, #rrggbb (stored in lower case); null: the portal’s own';
const LOGO_URL_DESCRIPTION = 'An https:// image the integrator portal shows in its header (the reader’s browser fetches it); null: none';
const ACCENT_COLOR = /^#[0-9a-fA-F]{6}$/;

/** The portal's branding of an environment (src/portal): set by PATCH; each null to go back to the portal's own. */
const Branding = {
  displayName: () => (target: object, key: string) => {
    ApiPropertyOptional({
      type: String,
      nullable: true,
      minLength: 1,
      maxLength: 100,
      description: `${DISPLAY_NAME_DESCRIPTION}; left out: unchanged`,
      example: 'Acme Billing',
    })(target, key);
    IsOptional()(target, key);
    IsString({ message: 'displayName must be a string of 1-100 characters, or null' })(target, key);
    Length(1, 100, { message: 'displayName must be a string of 1-100 characters, or null' })(target, key);
  },
  accentColor: () => (target: object, key: string) => {
    ApiPropertyOptional({
      type: String,
      nullable: true,
      pattern: ACCENT_COLOR.source,
      description: `${ACCENT_COLOR_DESCRIPTION}; left out: unchanged`,
      example: '#0a7d52',
    })(target, key);
    IsOptional()(target, key);
    Matches(ACCENT_COLOR, { message: 'accentColor must be a colour like #0a7d52 (#rrggbb), or null' })(target, key);
  },
  logoUrl: () => (target: object, key: string) => {
    ApiPropertyOptional({
      type: String,
      nullable: true,
      format: 'uri',
      maxLength: 2048,
      description: `${LOGO_URL_DESCRIPTION}; left out: unchanged`,
      example: 'https://cdn.example.com/acme.svg',
    })(target, key);
    IsOptional()(target, key);
    IsUrl({ protocols: ['https'], require_protocol: true }, { message: 'logoUrl must be an https:// URL, or null' })(target, key);
    MaxLength(2048, { message: 'logoUrl must be at most 2048 characters' })(target, key);
  },
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

  @Branding.displayName()
  displayName?: string | null;

  @Branding.accentColor()
  accentColor?: string | null;

  @Branding.logoUrl()
  logoUrl?: string | null;
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

  @ApiProperty({ type: String, nullable: true, description: DISPLAY_NAME_DESCRIPTION })
  displayName: string | null;

  @ApiProperty({ type: String, nullable: true, pattern: '^#[0-9a-f]{6}$', description: ACCENT_COLOR_DESCRIPTION })
  accentColor: string | null;

  @ApiProperty({ type: String, nullable: true, format: 'uri', description: LOGO_URL_DESCRIPTION })
  logoUrl: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  static from(environment: EnvironmentEntity): EnvironmentResponse {
    return {
      id: environment.id,
      allowPrivateTargets: environment.allowPrivateTargets,
      defaultRateLimit: environment.defaultRateLimit,
      defaultMaxInFlight: environment.defaultMaxInFlight,
      displayName: environment.displayName,
      accentColor: environment.accentColor,
      logoUrl: environment.logoUrl,
      createdAt: environment.createdAt.toISOString(),
    };
  }
}
