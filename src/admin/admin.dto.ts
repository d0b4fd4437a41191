import { IsBoolean, IsOptional, Matches } from 'class-validator';
import type { ApiTokenEntity, EnvironmentEntity } from '../persistence/entities';

export const ENVIRONMENT_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;

const ALLOW_PRIVATE_TARGETS_MESSAGE = 'allowPrivateTargets must be true or false';

export class CreateEnvironmentRequest {
  @Matches(ENVIRONMENT_ID, { message: 'id must be 1-63 characters of a-z, 0-9, _ and -, starting with a letter or digit' })
  id: string;

  /** Subscriptions may target private, loopback and link-local addresses (false unless given). */
  @IsOptional()
  @IsBoolean({ message: ALLOW_PRIVATE_TARGETS_MESSAGE })
  allowPrivateTargets?: boolean;
}

export class UpdateEnvironmentRequest {
  @IsOptional()
  @IsBoolean({ message: ALLOW_PRIVATE_TARGETS_MESSAGE })
  allowPrivateTargets?: boolean;
}

export class EnvironmentResponse {
  id: string;
  /** Its own setting; ALLOW_PRIVATE_TARGETS=true allows private targets in every environment whatever this says. */
  allowPrivateTargets: boolean;
  createdAt: string;

  static from(environment: EnvironmentEntity): EnvironmentResponse {
    return { id: environment.id, allowPrivateTargets: environment.allowPrivateTargets, createdAt: environment.createdAt.toISOString() };
  }
}

export class ApiTokenResponse {
  /** Shown once; only its hash is stored. */
  token: string;
  id: string;
  environmentId: string;
  createdAt: string;
}

/** A token as the admin API lists it: never the token nor its hash. */
export class ApiTokenSummaryResponse {
  id: string;
  /** The token's first 12 characters, to tell tokens apart. */
  prefix: string;
  createdAt: string;
  /** To about a minute; null until the token authenticates a request. */
  lastUsedAt: string | null;
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
