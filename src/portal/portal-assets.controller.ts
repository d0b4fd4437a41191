import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, Header, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';

/** The portal's style sheet and script, read once (npm run build copies them beside this file). */
const ASSETS: Record<string, { type: string; body: Buffer }> = {
  'portal.css': { type: 'text/css; charset=utf-8', body: readFileSync(join(__dirname, 'assets', 'portal.css')) },
  'portal.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(join(__dirname, 'assets', 'portal.js')) },
};

/** An environment's accent colour (src/portal/views/layout.tsx accentSheet): `accent-rrggbb.css`, lower-case hex only. */
const ACCENT_SHEET = /^accent-([0-9a-f]{6})\.css$/;

@ApiExcludeController()
@Controller('portal/assets')
export class PortalAssetsController {
  @Get(':name')
  @Header('Cache-Control', 'public, max-age=300')
  asset(@Param('name') name: string, @Res() response: Response): void {
    const accent = ACCENT_SHEET.exec(name);
    if (accent) {
      response.type('text/css; charset=utf-8').send(`:root {\n  --accent: #${accent[1]};\n}\n`);
      return;
    }
    const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (!asset) throw new NotFoundException(`no portal asset ${name}`);
    response.type(asset.type).send(asset.body);
  }
}
