import { Injectable } from '@nestjs/common';
import { conflict, notFound } from '../domain/errors';
import { EnvironmentRepository } from '../persistence/repositories/environment.repository';
import { ENVIRONMENT_ID } from '../domain/environment-id';
import { type CreateEnvironmentRequest, EnvironmentResponse, type UpdateEnvironmentRequest } from './environment.dto';

@Injectable()
export class EnvironmentsService {
  constructor(private readonly environments: EnvironmentRepository) {}

  async createEnvironment(request: CreateEnvironmentRequest): Promise<EnvironmentResponse> {
    const environment = await this.environments.create(request.id, {
      allowPrivateTargets: request.allowPrivateTargets ?? false,
      defaultRateLimit: request.defaultRateLimit,
      defaultMaxInFlight: request.defaultMaxInFlight,
    });
    if (!environment) throw conflict(`environment ${request.id} already exists`);
    return EnvironmentResponse.from(environment);
  }

  async getEnvironment(id: string): Promise<EnvironmentResponse> {
    // An ID that cannot exist never reaches the database (a NUL character would make PostgreSQL fail).
    const environment = ENVIRONMENT_ID.test(id) ? await this.environments.find(id) : null;
    if (!environment) throw notFound('environment', id);
    return EnvironmentResponse.from(environment);
  }

  async updateEnvironment(id: string, request: UpdateEnvironmentRequest): Promise<EnvironmentResponse> {
    const { allowPrivateTargets, defaultRateLimit, defaultMaxInFlight, displayName, logoUrl } = request;
    const accentColor = request.accentColor?.toLowerCase() ?? request.accentColor;
    const settings = { allowPrivateTargets, defaultRateLimit, defaultMaxInFlight, displayName, accentColor, logoUrl };
    const environment = ENVIRONMENT_ID.test(id) ? await this.environments.update(id, settings) : null;
    if (!environment) throw notFound('environment', id);
    return EnvironmentResponse.from(environment);
  }
}
