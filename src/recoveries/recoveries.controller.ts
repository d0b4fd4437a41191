import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiVersionGuard } from '../auth/api-version.guard';
import { EnvironmentId } from '../auth/environment-id.decorator';
import { TokenAuthGuard } from '../auth/token-auth.guard';
import { RecoverRequest, type RecoveryStarted, type RecoveryView } from './recovery.dto';
import { RecoveriesService } from './recoveries.service';

@Controller()
@UseGuards(TokenAuthGuard, ApiVersionGuard)
export class RecoveriesController {
  constructor(private readonly recoveries: RecoveriesService) {}

  @Post('webhooks/subscriptions/:id/recover')
  @HttpCode(202)
  recover(@EnvironmentId() environmentId: string, @Param('id') id: string, @Body() body: RecoverRequest): Promise<RecoveryStarted> {
    return this.recoveries.recover(environmentId, id, body);
  }

  @Get('recoveries/:id')
  get(@EnvironmentId() environmentId: string, @Param('id') id: string): Promise<RecoveryView> {
    return this.recoveries.get(environmentId, id);
  }
}
