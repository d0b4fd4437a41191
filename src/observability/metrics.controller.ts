import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Registry } from 'prom-client';
import { Metrics } from './metrics';

@Controller('metrics')
@ApiTags('operations')
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description:
      'Prometheus text: plude_* (events, notifications, attempts, latency, pending, recovery, process) and plude_temporal_* (the SDK’s worker metrics)',
    schema: { type: 'string' },
  })
  scrape(): Promise<string> {
    return this.metrics.text();
  }
}
