import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { provideRepositories } from '../persistence/nest-providers';
import { PurgeRepository } from '../persistence/repositories/purge.repository';
import { PurgeController } from './purge.controller';
import { PurgeService } from './purge.service';

/** The operator's controls of the data lifecycle: a dry run of the purge, and a purge now. */
@Module({ imports: [AuthModule], controllers: [PurgeController], providers: [PurgeService, ...provideRepositories(PurgeRepository)] })
export class PurgeModule {}
