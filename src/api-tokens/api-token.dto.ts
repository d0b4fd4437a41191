import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsOptional } from 'class-validator';
import { DEFAULT_ENVIRONMENT_SCOPES, ENVIRONMENT_SCOPES, type Scope } from '../domain/scopes';
import type { ApiTokenEntity } from '../persistence/entities';
import { IssuedTokenFields, TokenSummaryFields } from './token-fields.dto';

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

export class ApiTokenResponse extends IssuedTokenFields {
  @ApiProperty()
  environmentId: string;

  @ApiProperty({ type: [String], items: { type: 'string', enum: [...ENVIRONMENT_SCOPES] }, example: DEFAULT_ENVIRONMENT_SCOPES })
  scopes: Scope[];
}

/** A token as the admin API lists it: never the token nor its hash. */
export class ApiTokenSummaryResponse extends TokenSummaryFields {
  @ApiProperty({ type: [String], items: { type: 'string', enum: [...ENVIRONMENT_SCOPES] }, example: DEFAULT_ENVIRONMENT_SCOPES })
  scopes: Scope[];

  static from(token: ApiTokenEntity): ApiTokenSummaryResponse {
    return { ...TokenSummaryFields.summaryFields(token), scopes: token.scopes };
  }
}
