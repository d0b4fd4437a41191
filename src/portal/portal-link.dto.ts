import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';

export class CreatePortalLinkRequest {
  @ApiPropertyOptional({ description: 'How long the link may be opened: a duration from 1s to 24h, like 5m or 15m', default: '15m', example: '15m' })
  @IsOptional()
  @IsString({ message: 'ttl must be a duration string like "15m"' })
  ttl?: string;
}

/** A one-time link into the portal, for one integrator's environment. */
export class PortalLinkResponse {
  @ApiProperty({
    description: 'The session this link opens: DELETE …/portal-sessions/{id} ends it (or the link, if unused)',
    example: 'pss_01JF3Q5X8Z7N4W2B6C9D0E1F2G',
  })
  id: string;

  @ApiProperty({
    description: 'Opens a portal session once; hand it to the integrator (it is a secret until used)',
    example: 'https://webhooks.example.com/portal/enter?link=ppl_…',
  })
  url: string;

  @ApiProperty({ format: 'date-time', description: 'After this, the link can no longer be opened' })
  expiresAt: string;
}
