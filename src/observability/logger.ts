import pino, { type DestinationStream, type Level, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { Config } from '../config/config';
import { activeTraceFields } from './tracing';

export type AppLogger = Logger;

/** LOG_LEVEL (Nest's names) to pino's. */
export const PINO_LEVELS: Record<Config['log']['level'], Level> = { error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace' };

/**
 * Fields that never reach a log line, wherever they sit (one level deep, and in an HTTP request's headers): tokens,
 * signing keys, authorization headers and event data. Request logs carry no headers or bodies in the first place
 * (src/api/request-logging.ts); this is the net under everything else, the SDK's log metadata included.
 */
export const REDACTED_PATHS = [
  'authorization',
  'token',
  'adminToken',
  'apiKey',
  'secret',
  'secrets',
  'signatureKey',
  'password',
  'data',
  'dataJson',
  'body',
  'payload',
  'input',
  'args',
].flatMap((key) => [key, `*.${key}`]);
const REQUEST_PATHS = ['req.headers.authorization', 'req.headers.cookie', 'req.headers["idempotency-key"]', 'res.headers["set-cookie"]'];

/** Nest's start-up chatter (modules loaded, one line per route mapped, "started"): debug, not info. */
const START_UP_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);
const INFO = pino.levels.values.info;

/** A human-readable line per entry: time, level, [context], message, then the other fields. */
function prettyStream(destination?: NodeJS.WritableStream): DestinationStream {
  return pretty({
    sync: true,
    destination: destination ?? 1,
    colorize: !destination && Boolean(process.stdout.isTTY),
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,context',
    messageFormat: '{if context}[{context}] {end}{msg}',
    singleLine: true,
  });
}

/**
 * The process's one logger (pino), for both roles and everything in them: Nest and its request logs, TypeORM
 * (src/persistence/query-logger.ts) and the Temporal SDK (src/runtime/temporal-runtime.ts). JSON lines with
 * LOG_FORMAT=json, readable lines otherwise; on stdout, or on `destination` (tests). With tracing on, every line
 * logged while a span is active carries `traceId` and `spanId`.
 */
export function createAppLogger(log: Config['log'], destination?: NodeJS.WritableStream): AppLogger {
  return pino(
    {
      level: PINO_LEVELS[log.level],
      ...(log.format === 'json' ? {} : { base: null }),
      redact: { paths: [...REDACTED_PATHS, ...REQUEST_PATHS], censor: '[redacted]' },
      // Tracing on: a line logged inside a traced request or attempt names its trace and span (in both formats).
      ...(log.traceIds ? { mixin: activeTraceFields } : {}),
      hooks: {
        logMethod(args, method, level) {
          const first = args[0] as { context?: unknown } | undefined;
          if (level === INFO && typeof first?.context === 'string' && START_UP_CONTEXTS.has(first.context)) {
            return this.debug(...(args as [object, string]));
          }
          return method.apply(this, args);
        },
      },
    },
    log.format === 'json' ? (destination ?? pino.destination({ dest: 1, sync: true })) : prettyStream(destination),
  );
}
