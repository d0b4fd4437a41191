import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiErrors, Answers } from '../api/openapi';
import { AdminRoutes } from '../auth/routes';
import { PurgePreview, PurgeTriggered } from './purge.dto';
import { PurgeService } from './purge.service';

@Controller('admin/purge')
@AdminRoutes('admin')
export class PurgeController {
  constructor(private readonly purge: PurgeService) {}

  @Get()
  @Answers(200, PurgePreview, 'What a purge started now would delete (a dry run: nothing is deleted)')
  preview(): Promise<PurgePreview> {
    return this.purge.preview();
  }

  @Post()
  @HttpCode(202)
  @Answers(202, PurgeTriggered, 'The purge schedule was triggered (or a purge is already running)')
  @ApiErrors(409)
  trigger(): Promise<PurgeTriggered> {
    return this.purge.trigger();
  }
}
