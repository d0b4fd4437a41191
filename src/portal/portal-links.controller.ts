import { Body, Controller, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ApiErrors, Answers, TakesJson } from '../api/openapi';
import { AdminRoutes } from '../auth/routes';
import { parseDuration } from '../config/duration';
import { DomainError } from '../domain/errors';
import { CreatePortalLinkRequest, PortalLinkResponse } from './portal-link.dto';
import { PortalSessionsService } from './portal-sessions.service';
import { PORTAL_SETTINGS, type PortalSettings } from './portal-settings';

/** The platform asks for a one-time link into an integrator's portal. */
@Controller('admin/environments/:id/portal-sessions')
@AdminRoutes('portal')
export class PortalLinksController {
  constructor(
    private readonly sessions: PortalSessionsService,
    @Inject(PORTAL_SETTINGS) private readonly settings: PortalSettings,
  ) {}

  @Post()
  @HttpCode(201)
  @TakesJson(CreatePortalLinkRequest)
  @Answers(201, PortalLinkResponse, 'A one-time link into the environment’s portal')
  @ApiErrors(400, 404)
  async create(@Param('id') environmentId: string, @Body() body: CreatePortalLinkRequest, @Req() request: Request): Promise<PortalLinkResponse> {
    const ttlMs = body.ttl === undefined ? this.settings.linkTtlMs : parseDuration(body.ttl);
    if (ttlMs === undefined || ttlMs > this.settings.linkMaxTtlMs) throw new DomainError('validation', 'ttl must be a duration from 1s to 24h, like "15m"');
    const link = await this.sessions.createLink(environmentId, ttlMs);
    const base = `${request.protocol}://${request.get('host')}`;
    return { url: `${base}/portal/enter?link=${link.token}`, expiresAt: link.expiresAt.toISOString() };
  }
}
