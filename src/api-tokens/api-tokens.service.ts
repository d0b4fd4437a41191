import { Injectable } from '@nestjs/common';
import { issueApiToken } from '../auth/api-token';
import { TokenAuthenticator } from '../auth/token-authenticator';
import { notFound, validationError } from '../domain/errors';
import { isId } from '../domain/ids';
import { checkScopes, DEFAULT_ENVIRONMENT_SCOPES, ENVIRONMENT_SCOPES } from '../domain/scopes';
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

  /** An environment's token with `scopes` (the integrator's, `subscriptions`, when left out); never `catalog` (400). */
  async issue(environmentId: string, requested?: readonly unknown[]): Promise<ApiTokenResponse> {
    const checked = requested === undefined ? { scopes: [...DEFAULT_ENVIRONMENT_SCOPES] } : checkScopes(requested, ENVIRONMENT_SCOPES, 'an environment token');
    await this.requireEnvironment(environmentId);
    if ('error' in checked) throw validationError(`${checked.error} (catalog belongs to service tokens: POST /admin/tokens)`);
    const issued = await issueApiToken(this.tokens, environmentId, checked.scopes);
    return { token: issued.token, id: issued.id, environmentId, scopes: issued.scopes, createdAt: issued.createdAt.toISOString() };
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
