import { Injectable } from '@nestjs/common';
import { conflict } from '../domain/errors';
import { EnvironmentRepository } from '../persistence/repositories/environment.repository';
import { EnvironmentResponse } from './admin.dto';

@Injectable()
export class AdminService {
  constructor(private readonly environments: EnvironmentRepository) {}

  async createEnvironment(id: string): Promise<EnvironmentResponse> {
    const environment = await this.environments.create(id);
    if (!environment) throw conflict(`environment ${id} already exists`);
    return EnvironmentResponse.from(environment);
  }
}
