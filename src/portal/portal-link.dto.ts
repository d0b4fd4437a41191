import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';

export class CreatePortalLinkRequest {
  @ApiPropertyOptional({ description: 'How long the link may be opened: a duration like 5m, 15m or 24h (the most)', default: '15m', example: '15m' })
  @IsOptional()
  @IsString({ message: 'ttl must be a duration string like "15m"' })
  ttl?: string;
}

/** A one-time link into the portal, for one integrator's environment. */
export class PortalLinkResponse {
  @ApiProperty({
    description: 'Opens a portal session once; hand it to the integrator (it is a secret until used)',
    example: 'https://webhooks.example.com/portal/enter?link=ppl_…',
  })
  url: string;

  @ApiProperty({ format: 'date-time', description: 'After this, the link can no longer be opened' })
  expiresAt: string;
}
