import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiVersionGuard } from '../auth/api-version.guard';
import { EnvironmentId } from '../auth/environment-id.decorator';
import { TokenAuthGuard } from '../auth/token-auth.guard';
import { RotateKeyRequest, type SigningKeyResponse } from './signing-key.dto';
import { SigningKeysService } from './signing-keys.service';

/** A subscription's signing keys; shares the `webhooks` prefix with SubscriptionsController. */
@Controller('webhooks')
@UseGuards(TokenAuthGuard, ApiVersionGuard)
export class SigningKeysController {
  constructor(private readonly signingKeys: SigningKeysService) {}

  @Post('subscriptions/:id/rotate-key')
  @HttpCode(200)
  rotate(@EnvironmentId() environmentId: string, @Param('id') id: string, @Body() body?: RotateKeyRequest): Promise<SigningKeyResponse> {
    return this.signingKeys.rotate(environmentId, id, body?.overlap); // no body at all: the defaults
  }
}
