import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, IsBoolean, IsOptional } from 'class-validator';
import { DISABLED_REASONS, type DisabledReason, SUBSCRIPTION_STATUSES, type SubscriptionStatus } from '../domain/statuses';
import type { OperationalWebhook } from '../persistence/repositories/operational-webhook.repository';

export class RegisterOperationalWebhookRequest {
  // Checked by the URL policy (in the service), which gives the precise reason for a refusal.
  @ApiProperty({ type: String, format: 'uri', example: 'https://platform.example/plude-operations', description: 'An https: URL of a public host' })
  @Allow()
  url: unknown;

  @ApiPropertyOptional({
    default: false,
    description: 'The URL may be a private, loopback or link-local address (ALLOW_PRIVATE_TARGETS=true allows them anyway); left out: false',
  })
  @IsOptional()
  @IsBoolean({ message: 'allowPrivateTargets must be true or false' })
  allowPrivateTargets?: boolean;
}

export class OperationalWebhookResponse {
  @ApiProperty({ format: 'uri' })
  url: string;

  @ApiProperty({ description: 'The key that signs every operational notification (Standard Webhooks), kept across URL changes', example: 'whsec_…' })
  signatureKey: string;

  @ApiProperty({ description: 'Its own setting: the URL may be a private address' })
  allowPrivateTargets: boolean;

  @ApiProperty({ enum: [...SUBSCRIPTION_STATUSES], description: 'disabled when it answered 410 or failed for AUTO_DISABLE_AFTER; a PUT makes it active again' })
  status: SubscriptionStatus;

  @ApiProperty({ enum: [...DISABLED_REASONS], nullable: true, type: String })
  disabledReason: DisabledReason | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  static from({ subscription, signingKey, allowPrivateTargets }: OperationalWebhook): OperationalWebhookResponse {
    return {
      url: subscription.url,
      signatureKey: signingKey.secret,
      allowPrivateTargets,
      status: subscription.status,
      disabledReason: subscription.disabledReason,
      createdAt: subscription.createdAt.toISOString(),
    };
  }
}
