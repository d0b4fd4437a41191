import { Injectable } from '@nestjs/common';
import { conflict, notFound } from '../domain/errors';
import { ApiTokenService } from '../auth/api-token.service';
import { EnvironmentRepository } from '../persistence/repositories/environment.repository';
import { ApiTokenResponse, ENVIRONMENT_ID, EnvironmentResponse } from './admin.dto';

@Injectable()
export class AdminService {
  constructor(
    private readonly environments: EnvironmentRepository,
    private readonly tokens: ApiTokenService,
  ) {}

  async createEnvironment(id: string): Promise<EnvironmentResponse> {
    const environment = await this.environments.create(id);
    if (!environment) throw conflict(`environment ${id} already exists`);
    return EnvironmentResponse.from(environment);
  }

  async issueToken(environmentId: string): Promise<ApiTokenResponse> {
    // An ID that cannot exist never reaches the database (a NUL character would make PostgreSQL fail).
    if (!ENVIRONMENT_ID.test(environmentId) || !(await this.environments.exists(environmentId))) throw notFound('environment', environmentId);
    const issued = await this.tokens.issue(environmentId);
    return { token: issued.token, id: issued.id, environmentId, createdAt: issued.createdAt.toISOString() };
  }
}
