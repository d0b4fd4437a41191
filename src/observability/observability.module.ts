import { type DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { Metrics } from './metrics';
import { MetricsController } from './metrics.controller';
import { READINESS_CHECKS, type ReadinessCheck } from './readiness';

/** /health/live, /health/ready and /metrics: in the API, and on its own port in a worker started alone. */
@Module({})
export class ObservabilityModule {
  static forRoot(metrics: Metrics, checks: ReadinessCheck[]): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: [TerminusModule.forRoot({ errorLogStyle: 'json' })],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: Metrics, useValue: metrics },
        { provide: READINESS_CHECKS, useValue: checks },
      ],
    };
  }
}
