import { Controller, Delete, Param } from '@nestjs/common';
import { ApiErrors, Answers } from '../api/openapi';
import { EraserRoutes } from '../auth/routes';
import { EnvironmentId } from '../auth/environment-id.decorator';
import { EventErasedResponse } from './event-erasure.dto';
import { EventErasureService } from './event-erasure.service';

@Controller('events')
@EraserRoutes('events')
export class EventErasureController {
  constructor(private readonly erasure: EventErasureService) {}

  @Delete(':id/data')
  @Answers(200, EventErasedResponse, 'Erased: pending notifications cancelled, data replaced by {"erased": true, "at": "…"}, response bodies cleared')
  @ApiErrors(404)
  erase(@EnvironmentId() environmentId: string, @Param('id') id: string): Promise<EventErasedResponse> {
    return this.erasure.erase(environmentId, id);
  }
}
