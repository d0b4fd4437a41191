import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiErrors, Answers, TakesJson } from '../api/openapi';
import { AdminRoutes } from '../auth/routes';
import { IssueServiceTokenRequest, ServiceTokenResponse, ServiceTokenSummaryResponse } from './service-token.dto';
import { ServiceTokensService } from './service-tokens.service';

/** The platform's service tokens, for the admin token: issue, list, revoke. */
@Controller('admin/tokens')
@AdminRoutes('admin')
export class ServiceTokensController {
  constructor(private readonly tokens: ServiceTokensService) {}

  @Post()
  @HttpCode(201)
  @TakesJson(IssueServiceTokenRequest)
  @Answers(201, ServiceTokenResponse, 'A new service token, shown this once')
  issue(@Body() body: IssueServiceTokenRequest): Promise<ServiceTokenResponse> {
    return this.tokens.issue(body);
  }

  @Get()
  @Answers(200, [ServiceTokenSummaryResponse], 'The service tokens, revoked ones included; never a token or its hash')
  list(): Promise<ServiceTokenSummaryResponse[]> {
    return this.tokens.list();
  }

  @Delete(':tokenId')
  @HttpCode(204)
  @Answers(204, null, 'Revoked (again 204 for a revoked token)')
  @ApiErrors(404)
  revoke(@Param('tokenId') tokenId: string): Promise<void> {
    return this.tokens.revoke(tokenId);
  }
}
