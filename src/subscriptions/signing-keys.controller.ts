import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiErrors, Answers, ApiTokenRoutes, TakesJson } from '../api/openapi';
import { ApiVersionGuard } from '../auth/api-version.guard';
import { EnvironmentId } from '../auth/environment-id.decorator';
import { TokenAuthGuard } from '../auth/token-auth.guard';
import { RotateKeyRequest, SigningKeyResponse } from './signing-key.dto';
import { SigningKeysService } from './signing-keys.service';

/** A subscription's signing keys; shares the `webhooks` prefix with SubscriptionsController. */
@Controller('webhooks')
@UseGuards(TokenAuthGuard, ApiVersionGuard)
@ApiTokenRoutes('subscriptions')
export class SigningKeysController {
  constructor(private readonly signingKeys: SigningKeysService) {}

  @Post('subscriptions/:id/rotate-key')
  @HttpCode(200)
  @TakesJson(RotateKeyRequest, false)
  @Answers(200, SigningKeyResponse, 'The new key; the older ones keep signing for the overlap')
  @ApiErrors(404, 409)
  rotate(@EnvironmentId() environmentId: string, @Param('id') id: string, @Body() body?: RotateKeyRequest): Promise<SigningKeyResponse> {
    return this.signingKeys.rotate(environmentId, id, body?.overlap); // no body at all: the defaults
  }
}
