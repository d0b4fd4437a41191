import { Body, Controller, Delete, Get, HttpCode, Put } from '@nestjs/common';
import { ApiErrors, Answers, TakesJson } from '../api/openapi';
import { AdminRoutes } from '../auth/routes';
import { OperationalWebhookResponse, RegisterOperationalWebhookRequest } from './operational-webhook.dto';
import { OperationalWebhookService } from './operational-webhook.service';

@Controller('admin/operational-webhook')
@AdminRoutes('admin')
export class OperationalWebhookController {
  constructor(private readonly webhooks: OperationalWebhookService) {}

  @Put()
  @HttpCode(200)
  @TakesJson(RegisterOperationalWebhookRequest)
  @Answers(200, OperationalWebhookResponse, 'The operational webhook and the key that signs what it receives')
  register(@Body() body: RegisterOperationalWebhookRequest): Promise<OperationalWebhookResponse> {
    return this.webhooks.register(body);
  }

  @Get()
  @Answers(200, OperationalWebhookResponse, 'The operational webhook')
  @ApiErrors(404)
  get(): Promise<OperationalWebhookResponse> {
    return this.webhooks.get();
  }

  @Delete()
  @HttpCode(204)
  @Answers(204, null, 'Deleted; its pending operational notifications end as cancelled')
  @ApiErrors(404)
  remove(): Promise<void> {
    return this.webhooks.remove();
  }
}
