import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { signingKeyRepositoryProvider } from '../persistence/nest-providers';
import { SigningKeysController } from './signing-keys.controller';
import { SigningKeysService } from './signing-keys.service';

@Module({
  imports: [AuthModule],
  controllers: [SigningKeysController],
  providers: [SigningKeysService, signingKeyRepositoryProvider],
  exports: [SigningKeysService],
})
export class SigningKeysModule {}
