import { Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { AdminGuard } from '../auth/admin.guard';
import type { ApiTokenResponse, ApiTokenSummaryResponse } from './admin.dto';
import { ApiTokensService } from './api-tokens.service';

/** An environment's API tokens, for the admin token: issue, list, revoke. */
@Controller('admin/environments/:id/tokens')
@UseGuards(AdminGuard)
export class ApiTokensController {
  constructor(private readonly tokens: ApiTokensService) {}

  @Post()
  @HttpCode(201)
  issue(@Param('id') environmentId: string): Promise<ApiTokenResponse> {
    return this.tokens.issue(environmentId);
  }

  @Get()
  list(@Param('id') environmentId: string): Promise<ApiTokenSummaryResponse[]> {
    return this.tokens.list(environmentId);
  }

  @Delete(':tokenId')
  @HttpCode(204)
  revoke(@Param('id') environmentId: string, @Param('tokenId') tokenId: string): Promise<void> {
    return this.tokens.revoke(environmentId, tokenId);
  }
}
