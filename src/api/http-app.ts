import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Config } from '../config/config';
import { AppModule } from './app.module';
import type { CoreDeps } from './core.module';
import { ErrorFilter } from './error.filter';
import { requireJsonBody, verifyJsonBody } from './json-body';
import { serveApiDocs } from './openapi';
import { assignRequestId } from './request-id';
import { RequestValidationPipe } from './validation.pipe';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

export function createLogger(config: Config, context?: string): ConsoleLogger {
  const logLevels = LEVELS.slice(0, LEVELS.indexOf(config.log.level) + 1);
  const logger = new ConsoleLogger({ json: config.log.format === 'json', logLevels, prefix: 'plude' });
  if (context) logger.setContext(context);
  return logger;
}

/** The HTTP API, configured but not yet listening. */
export async function createHttpApp(deps: CoreDeps): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(deps), {
    logger: createLogger(deps.config),
    bodyParser: false,
  });
  // In this order: an ID for every request (errors included), 415 for bodies that are not JSON, then the parser.
  app.use(assignRequestId);
  app.use(requireJsonBody);
  app.useBodyParser('json', { limit: '1mb', verify: verifyJsonBody });
  app.disable('x-powered-by');
  app.useGlobalFilters(new ErrorFilter());
  app.useGlobalPipes(new RequestValidationPipe());
  serveApiDocs(app);
  return app;
}
