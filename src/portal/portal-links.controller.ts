import { Body, Controller, Delete, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ApiErrors, Answers, TakesJson } from '../api/openapi';
import { PortalLinkRoutes } from '../auth/routes';
import { parseDuration } from '../config/duration';
import { DomainError } from '../domain/errors';
import { CreatePortalLinkRequest, PortalLinkResponse } from './portal-link.dto';
import { PortalSessionsService } from './portal-sessions.service';
import { PORTAL_SETTINGS, type PortalSettings } from './portal-settings';

/** The platform asks for a one-time link into an integrator's portal, and ends its sessions. */
@Controller('admin/environments/:id/portal-sessions')
@PortalLinkRoutes('portal')
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
    if (ttlMs === undefined || ttlMs < this.settings.linkMinTtlMs || ttlMs > this.settings.linkMaxTtlMs) {
      throw new DomainError('validation', 'ttl must be a duration from 1s to 24h, like "15m"');
    }
    const link = await this.sessions.createLink(environmentId, ttlMs);
    // PUBLIC_URL, else the request's own origin: behind ADMIN_PORT that is the admin listener's, not the integrator's.
    const base = this.settings.publicUrl ?? `${request.protocol}://${request.get('host')}`;
    return { id: link.id, url: `${base}/portal/enter?link=${link.token}`, expiresAt: link.expiresAt.toISOString() };
  }

  @Delete()
  @HttpCode(204)
  @Answers(204, null, 'Every session and unused link of the environment is ended')
  @ApiErrors(404)
  async revokeAll(@Param('id') environmentId: string): Promise<void> {
    await this.sessions.revokeEnvironment(environmentId);
  }

  @Delete(':sessionId')
  @HttpCode(204)
  @Answers(204, null, 'The session (or the link, if unused) is ended')
  @ApiErrors(404)
  async revoke(@Param('id') environmentId: string, @Param('sessionId') sessionId: string): Promise<void> {
    await this.sessions.revokeOne(environmentId, sessionId);
  }
}
