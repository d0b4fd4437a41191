import { ApiProperty } from '@nestjs/swagger';
import type { ApiTokenEntity } from '../persistence/entities';

/** What an environment's token and a service token both answer when issued: the token itself, this once. */
export abstract class IssuedTokenFields {
  @ApiProperty({ description: 'The token, shown this once: only its SHA-256 hash is stored', example: 'pwh_…' })
  token: string;

  @ApiProperty({ example: 'tok_01J…' })
  id: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

/** What both kinds of token show when listed: never the token nor its hash. */
export abstract class TokenSummaryFields {
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

  protected static summaryFields(token: ApiTokenEntity): TokenSummaryFields {
    return {
      id: token.id,
      prefix: token.tokenPrefix,
      createdAt: token.createdAt.toISOString(),
      lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
      revokedAt: token.revokedAt?.toISOString() ?? null,
    };
  }
}
