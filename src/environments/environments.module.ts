import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { provideRepositories } from '../persistence/nest-providers';
import { EnvironmentRepository } from '../persistence/repositories/environment.repository';
import { EnvironmentsController } from './environments.controller';
import { EnvironmentsService } from './environments.service';

@Module({ imports: [AuthModule], controllers: [EnvironmentsController], providers: [EnvironmentsService, ...provideRepositories(EnvironmentRepository)] })
export class EnvironmentsModule {}
