import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiErrors, Answers, TakesJson } from '../api/openapi';
import { ApiTokenRoutes } from '../auth/routes';
import { EnvironmentId } from '../auth/environment-id.decorator';
import { RotateKeyRequest, SigningKeyResponse } from './signing-key.dto';
import { SigningKeysService } from './signing-keys.service';

/** A subscription's signing keys; shares the `webhooks` prefix with SubscriptionsController. */
@Controller('webhooks')
@ApiTokenRoutes('subscriptions', 'subscriptions')
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
