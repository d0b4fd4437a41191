import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiErrors, Answers, TakesJson } from '../api/openapi';
import { AdminRoutes } from '../auth/routes';
import { ApiTokenResponse, ApiTokenSummaryResponse, IssueApiTokenRequest } from './api-token.dto';
import { ApiTokensService } from './api-tokens.service';

/** An environment's API tokens, for the admin token: issue, list, revoke. */
@Controller('admin/environments/:id/tokens')
@AdminRoutes('admin')
@ApiErrors(404)
export class ApiTokensController {
  constructor(private readonly tokens: ApiTokensService) {}

  @Post()
  @HttpCode(201)
  @TakesJson(IssueApiTokenRequest, false)
  @Answers(201, ApiTokenResponse, 'A new API token, shown this once')
  issue(@Param('id') environmentId: string, @Body() body?: IssueApiTokenRequest): Promise<ApiTokenResponse> {
    return this.tokens.issue(environmentId, body?.scopes); // no body at all: the integrator's token
  }

  @Get()
  @Answers(200, [ApiTokenSummaryResponse], 'The environment’s tokens, revoked ones included; never a token or its hash')
  list(@Param('id') environmentId: string): Promise<ApiTokenSummaryResponse[]> {
    return this.tokens.list(environmentId);
  }

  @Delete(':tokenId')
  @HttpCode(204)
  @Answers(204, null, 'Revoked (again 204 for a revoked token)')
  revoke(@Param('id') environmentId: string, @Param('tokenId') tokenId: string): Promise<void> {
    return this.tokens.revoke(environmentId, tokenId);
  }
}
