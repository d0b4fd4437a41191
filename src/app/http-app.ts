import { type DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { urlencoded } from 'express';
import type { Metrics } from '../observability/metrics';
import { ObservabilityModule } from '../observability/observability.module';
import type { ReadinessCheck } from '../observability/readiness';
import type { AppLogger } from '../observability/logger';
import type { AdminListener } from './admin-listener';
import { AppModule } from './app.module';
import type { ProcessDeps } from './process.module';
import { ErrorFilter } from '../api/error.filter';
import { requireJsonBody, verifyJsonBody } from '../api/json-body';
import { serveApiDocs } from '../api/openapi';
import { assignRequestId } from '../api/request-id';
import { logRequests, nestLogger } from '../api/request-logging';
import { traceRequests } from '../api/trace-requests';
import { RequestValidationPipe } from '../api/validation.pipe';

export interface HttpAppDeps extends ProcessDeps {
  logger: AppLogger;
  /** What /health/ready checks. */
  readiness: ReadinessCheck[];
  /** With ADMIN_PORT: the listener the admin routes, /metrics and /docs are served on, and only there. */
  adminListener?: AdminListener;
}

/**
 * Nest logs through the process's logger; every request gets a server span first when `traced` (tracing on: its
 * log lines then carry the trace), then an ID and a log line.
 */
async function createApp(module: DynamicModule, logger: AppLogger, traced = false): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(module, { logger: nestLogger(logger), bodyParser: false });
  if (traced) app.use(traceRequests());
  app.use(assignRequestId);
  app.use(logRequests(logger));
  app.disable('x-powered-by');
  app.useGlobalFilters(new ErrorFilter());
  return app;
}

/** The HTTP API, configured but not yet listening. */
export async function createHttpApp(deps: HttpAppDeps): Promise<NestExpressApplication> {
  const app = await createApp(AppModule.forRoot(deps, [ObservabilityModule.forRoot(deps.metrics, deps.readiness)]), deps.logger, deps.config.tracing.enabled);
  if (deps.adminListener) app.use(deps.adminListener.separate);
  // In this order: an ID and a log line for every request (in createApp), 415 for bodies that are not JSON, then the parser.
  app.use(requireJsonBody);
  app.useBodyParser('json', { limit: '1mb', verify: verifyJsonBody });
  // The portal's forms (src/portal): small, flat, UTF-8.
  app.use('/portal', urlencoded({ extended: false, limit: '64kb', parameterLimit: 100 }));
  app.useGlobalPipes(new RequestValidationPipe());
  serveApiDocs(app);
  return app;
}

@Module({})
class WorkerHttpModule {}

/** A worker started alone answers /health/live, /health/ready and /metrics on WORKER_PORT, and nothing else. */
export async function createWorkerHttpApp(logger: AppLogger, metrics: Metrics, readiness: ReadinessCheck[]): Promise<NestExpressApplication> {
  return createApp({ module: WorkerHttpModule, imports: [ObservabilityModule.forRoot(metrics, readiness)] }, logger);
}
