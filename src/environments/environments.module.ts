import { Module } from '@nestjs/common';
import { AdminController } from './environments.controller';
import { AdminService } from './environments.service';
import { ApiTokensController } from '../api-tokens/api-tokens.controller';
import { ApiTokensService } from '../api-tokens/api-tokens.service';

@Module({ controllers: [AdminController, ApiTokensController], providers: [AdminService, ApiTokensService] })
export class AdminModule {}
