import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Matches } from 'class-validator';
import { ENVIRONMENT_ID } from '../domain/environment-id';
import { type Scope, SERVICE_SCOPES } from '../domain/scopes';
import type { ApiTokenEntity } from '../persistence/entities';
import { IssuedTokenFields, TokenSummaryFields } from './token-fields.dto';

const SCOPES_DOC: ApiPropertyOptions = { type: [String], items: { type: 'string', enum: [...SERVICE_SCOPES] }, example: [...SERVICE_SCOPES] };
const ENVIRONMENTS_DOC = 'The environments it may name in X-environment; left out (null): every environment, those created later included';

export class IssueServiceTokenRequest {
  @ApiProperty({ description: 'What the service is, to tell tokens apart: 1-100 printable characters', example: 'billing' })
  @IsString({ message: 'name must be a string' })
  @Matches(/^[^\p{Cc}]{1,100}$/u, { message: 'name must be 1-100 characters, without control characters' })
  name: string;

  @ApiProperty({
    ...SCOPES_DOC,
    description: 'What the token may do: `publish` (POST /events, read events and notifications) and `catalog` (declare and archive event types)',
  })
  @IsArray({ message: 'scopes must be an array of scope names' })
  scopes: unknown[];

  @ApiPropertyOptional({ type: [String], items: { type: 'string', pattern: ENVIRONMENT_ID.source }, description: ENVIRONMENTS_DOC, example: ['production'] })
  @IsOptional()
  @ArrayMaxSize(1000, { message: 'environments must name at most 1000 environments' })
  @IsString({ each: true, message: 'environments must be an array of environment IDs' })
  @IsArray({ message: 'environments must be an array of environment IDs' })
  environments?: string[];
}

/** A service token as the admin API lists it: never the token nor its hash. */
export class ServiceTokenSummaryResponse extends TokenSummaryFields {
  @ApiProperty({ example: 'billing' })
  name: string;

  @ApiProperty(SCOPES_DOC)
  scopes: Scope[];

  @ApiProperty({ type: [String], nullable: true, description: ENVIRONMENTS_DOC, example: null })
  environments: string[] | null;

  static from(token: ApiTokenEntity): ServiceTokenSummaryResponse {
    return { ...TokenSummaryFields.summaryFields(token), name: token.name ?? '', scopes: token.scopes, environments: token.environments };
  }
}

export class ServiceTokenResponse extends IssuedTokenFields {
  @ApiProperty({ example: 'billing' })
  name: string;

  @ApiProperty(SCOPES_DOC)
  scopes: Scope[];

  @ApiProperty({ type: [String], nullable: true, description: ENVIRONMENTS_DOC, example: null })
  environments: string[] | null;
}
