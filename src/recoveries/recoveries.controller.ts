import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiErrors, Answers, TakesJson } from '../api/openapi';
import { ApiTokenRoutes } from '../auth/routes';
import { EnvironmentId } from '../auth/environment-id.decorator';
import { RecoverRequest, RecoveryStarted, RecoveryView } from './recovery.dto';
import { RecoveriesService } from './recoveries.service';

@Controller()
@ApiTokenRoutes('recoveries', 'subscriptions')
@ApiErrors(404)
export class RecoveriesController {
  constructor(private readonly recoveries: RecoveriesService) {}

  @Post('webhooks/subscriptions/:id/recover')
  @HttpCode(202)
  @TakesJson(RecoverRequest)
  @Answers(202, RecoveryStarted, 'Accepted: the notifications of the range that expired or were cancelled are being redelivered')
  @ApiErrors(409, 503)
  recover(@EnvironmentId() environmentId: string, @Param('id') id: string, @Body() body: RecoverRequest): Promise<RecoveryStarted> {
    return this.recoveries.recover(environmentId, id, body);
  }

  @Get('recoveries/:id')
  @Answers(200, RecoveryView, 'The recovery and what became of its redeliveries so far')
  get(@EnvironmentId() environmentId: string, @Param('id') id: string): Promise<RecoveryView> {
    return this.recoveries.get(environmentId, id);
  }
}
