import { Controller, Get, Inject, Logger } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, type HealthCheckResult, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { READINESS_CHECKS, type ReadinessCheck } from './readiness';

const logger = new Logger('Readiness');

const LIVE = { type: 'object' as const, properties: { status: { type: 'string' as const, enum: ['ok'] } }, required: ['status'] };

/** Liveness (the process answers) and readiness (what it depends on answers), for orchestrators' probes. */
@Controller('health')
@ApiTags('operations')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
  ) {}

  @Get('live')
  @ApiOkResponse({ description: 'The process runs and answers', schema: LIVE })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * 200 when every dependency answers; 503 otherwise, with the state of each (Terminus's report). The answer, which
   * needs no authentication, names the dependency that is down and nothing of its error, which goes to the log.
   */
  @Get('ready')
  @HealthCheck()
  @ApiServiceUnavailableResponse({ description: 'A dependency is down: `error` and `details` say which (why is in the log)' })
  ready(): Promise<HealthCheckResult> {
    return this.health.check(
      this.checks.map(({ name, check }) => async () => {
        const indicator = this.indicators.check(name);
        try {
          await check();
          return indicator.up();
        } catch (err) {
          logger.warn(`readiness: ${name} is down: ${err instanceof Error ? err.message : String(err)}`);
          return indicator.down();
        }
      }),
    );
  }
}
