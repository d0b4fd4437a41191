import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, Header, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';

/** The portal's only style sheet and script, read once (npm run build copies them beside this file). */
const ASSETS: Record<string, { type: string; body: Buffer }> = {
  'portal.css': { type: 'text/css; charset=utf-8', body: readFileSync(join(__dirname, 'assets', 'portal.css')) },
  'portal.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(join(__dirname, 'assets', 'portal.js')) },
};

@ApiExcludeController()
@Controller('portal/assets')
export class PortalAssetsController {
  @Get(':name')
  @Header('Cache-Control', 'public, max-age=300')
  asset(@Param('name') name: string, @Res() response: Response): void {
    const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (!asset) throw new NotFoundException(`no portal asset ${name}`);
    response.type(asset.type).send(asset.body);
  }
}
