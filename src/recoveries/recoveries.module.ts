import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { provideRepositories } from '../persistence/nest-providers';
import { RecoveryRepository } from '../persistence/repositories/recovery.repository';
import { RecoveriesController } from './recoveries.controller';
import { RecoveriesService } from './recoveries.service';

@Module({
  imports: [AuthModule],
  controllers: [RecoveriesController],
  providers: [RecoveriesService, ...provideRepositories(RecoveryRepository)],
  exports: [RecoveriesService],
})
export class RecoveriesModule {}
