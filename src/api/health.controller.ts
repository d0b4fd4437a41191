import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';

@Controller('health')
@ApiTags('operations')
export class HealthController {
  @Get()
  @ApiOkResponse({ description: 'The process answers', schema: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } }, required: ['status'] } })
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
