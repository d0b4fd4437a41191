import { Module } from '@nestjs/common';
import { AdminController } from './admin.controller';
import { AdminService } from './admin.service';
import { ApiTokensController } from './api-tokens.controller';
import { ApiTokensService } from './api-tokens.service';

@Module({ controllers: [AdminController, ApiTokensController], providers: [AdminService, ApiTokensService] })
export class AdminModule {}
