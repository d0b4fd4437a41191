import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { provideRepositories } from '../persistence/nest-providers';
import { ApiTokenRepository } from '../persistence/repositories/api-token.repository';
import { EnvironmentRepository } from '../persistence/repositories/environment.repository';
import { ApiTokensController } from './api-tokens.controller';
import { ApiTokensService } from './api-tokens.service';
import { ServiceTokensController } from './service-tokens.controller';
import { ServiceTokensService } from './service-tokens.service';

@Module({
  imports: [AuthModule],
  controllers: [ApiTokensController, ServiceTokensController],
  providers: [ApiTokensService, ServiceTokensService, ...provideRepositories(EnvironmentRepository, ApiTokenRepository)],
})
export class ApiTokensModule {}
