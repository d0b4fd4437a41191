import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsOptional } from 'class-validator';
import { DEFAULT_ENVIRONMENT_SCOPES, ENVIRONMENT_SCOPES, type Scope } from '../domain/scopes';
import type { ApiTokenEntity } from '../persistence/entities';

export class IssueApiTokenRequest {
  @ApiPropertyOptional({
    type: [String],
    items: { type: 'string', enum: [...ENVIRONMENT_SCOPES] },
    default: DEFAULT_ENVIRONMENT_SCOPES,
    description:
      'What the token may do: `subscriptions` (the integrator’s: subscribe, manage its subscriptions, read and redeliver) ' +
      'and `publish` (POST /events). Left out: `["subscriptions"]`. `catalog` belongs to service tokens (POST /admin/tokens): 400',
  })
  @IsOptional()
  @IsArray({ message: 'scopes must be an array of scope names' })
  scopes?: unknown[];
}

export class ApiTokenResponse {
  @ApiProperty({ description: 'The token, shown this once: only its SHA-256 hash is stored', example: 'pwh_…' })
  token: string;

  @ApiProperty({ example: 'tok_01J…' })
  id: string;

  @ApiProperty()
  environmentId: string;

  @ApiProperty({ type: [String], items: { type: 'string', enum: [...ENVIRONMENT_SCOPES] }, example: DEFAULT_ENVIRONMENT_SCOPES })
  scopes: Scope[];

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

/** A token as the admin API lists it: never the token nor its hash. */
export class ApiTokenSummaryResponse {
  @ApiProperty({ example: 'tok_01J…' })
  id: string;

  @ApiProperty({ description: 'The token’s first 12 characters, to tell tokens apart', example: 'pwh_Zq3xY7aB' })
  prefix: string;

  @ApiProperty({ type: [String], items: { type: 'string', enum: [...ENVIRONMENT_SCOPES] }, example: DEFAULT_ENVIRONMENT_SCOPES })
  scopes: Scope[];

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
      scopes: token.scopes,
      createdAt: token.createdAt.toISOString(),
      lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
      revokedAt: token.revokedAt?.toISOString() ?? null,
    };
  }
}
