import { Module } from '@nestjs/common';
import { RecoveriesController } from './recoveries.controller';
import { RecoveriesService } from './recoveries.service';

@Module({ controllers: [RecoveriesController], providers: [RecoveriesService] })
export class RecoveriesModule {}
