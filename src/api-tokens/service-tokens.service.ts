import { Injectable } from '@nestjs/common';
import { issueServiceToken } from '../auth/api-token';
import { TokenAuthenticator } from '../auth/token-authenticator';
import { ENVIRONMENT_ID } from '../domain/environment-id';
import { notFound, validationError } from '../domain/errors';
import { isId } from '../domain/ids';
import { checkScopes, SERVICE_SCOPES } from '../domain/scopes';
import { ApiTokenRepository } from '../persistence/repositories/api-token.repository';
import { EnvironmentRepository } from '../persistence/repositories/environment.repository';
import { type IssueServiceTokenRequest, type ServiceTokenResponse, ServiceTokenSummaryResponse } from './service-token.dto';

/** The platform's tokens: publish and declare event types in the environments they list (or every one). */
@Injectable()
export class ServiceTokensService {
  constructor(
    private readonly environments: EnvironmentRepository,
    private readonly tokens: ApiTokenRepository,
    private readonly authenticator: TokenAuthenticator,
  ) {}

  async issue(request: IssueServiceTokenRequest): Promise<ServiceTokenResponse> {
    const checked = checkScopes(request.scopes, SERVICE_SCOPES, 'a service token');
    if ('error' in checked) throw validationError(`${checked.error} (an environment's token subscribes: POST /admin/environments/:id/tokens)`);
    const environments = request.environments === undefined ? null : await this.requireEnvironments(request.environments);
    const issued = await issueServiceToken(this.tokens, { name: request.name, scopes: checked.scopes, environments });
    return { token: issued.token, id: issued.id, name: request.name, scopes: issued.scopes, environments, createdAt: issued.createdAt.toISOString() };
  }

  async list(): Promise<ServiceTokenSummaryResponse[]> {
    return (await this.tokens.listServiceTokens()).map(ServiceTokenSummaryResponse.from);
  }

  /** Takes effect at once in this process; see TOKEN_CACHE_TTL_MS for the others. Revoking again is a no-op. */
  async revoke(tokenId: string): Promise<void> {
    const hash = isId('tok', tokenId) ? await this.tokens.revokeService(tokenId) : null;
    if (hash === null) throw notFound('service token', tokenId);
    this.authenticator.forget(hash);
  }

  /** The environments named, each once, in the order given; a 400 naming any that is not an environment. */
  private async requireEnvironments(named: string[]): Promise<string[]> {
    const environments = [...new Set(named)];
    if (environments.length === 0) throw validationError('environments: name at least one environment, or leave it out for every environment');
    const malformed = environments.filter((id) => !ENVIRONMENT_ID.test(id));
    const existing = new Set(malformed.length > 0 ? [] : await this.environments.existing(environments));
    const unknown = environments.filter((id) => !existing.has(id));
    if (unknown.length > 0) throw validationError(`environments: no environment ${unknown.map((id) => JSON.stringify(id)).join(', ')}`);
    return environments;
  }
}
