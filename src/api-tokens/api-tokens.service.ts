import { Injectable } from '@nestjs/common';
import { issueApiToken } from '../auth/api-token';
import { TokenAuthenticator } from '../auth/token-authenticator';
import { notFound } from '../domain/errors';
import { isId } from '../domain/ids';
import { ApiTokenRepository } from '../persistence/repositories/api-token.repository';
import { EnvironmentRepository } from '../persistence/repositories/environment.repository';
import { ENVIRONMENT_ID } from '../domain/environment-id';
import { type ApiTokenResponse, ApiTokenSummaryResponse } from './api-token.dto';

@Injectable()
export class ApiTokensService {
  constructor(
    private readonly environments: EnvironmentRepository,
    private readonly tokens: ApiTokenRepository,
    private readonly authenticator: TokenAuthenticator,
  ) {}

  async issue(environmentId: string): Promise<ApiTokenResponse> {
    await this.requireEnvironment(environmentId);
    const issued = await issueApiToken(this.tokens, environmentId);
    return { token: issued.token, id: issued.id, environmentId, createdAt: issued.createdAt.toISOString() };
  }

  async list(environmentId: string): Promise<ApiTokenSummaryResponse[]> {
    await this.requireEnvironment(environmentId);
    return (await this.tokens.listByEnvironment(environmentId)).map(ApiTokenSummaryResponse.from);
  }

  /** Takes effect at once in this process; see TOKEN_CACHE_TTL_MS for the others. Revoking again is a no-op. */
  async revoke(environmentId: string, tokenId: string): Promise<void> {
    const hash = isId('tok', tokenId) ? await this.tokens.revoke(environmentId, tokenId) : null;
    if (hash === null) throw notFound('token', tokenId);
    this.authenticator.forget(hash);
  }

  private async requireEnvironment(environmentId: string): Promise<void> {
    // An ID that cannot exist never reaches the database (a NUL character would make PostgreSQL fail).
    if (!ENVIRONMENT_ID.test(environmentId) || !(await this.environments.exists(environmentId))) throw notFound('environment', environmentId);
  }
}
