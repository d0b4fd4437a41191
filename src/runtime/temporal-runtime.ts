import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import type { Config } from '../config/config';
import { type AppLogger, PINO_LEVELS } from '../observability/logger';
import { DELIVERY_WORKFLOW_TYPE } from '../temporal/workflow-types';
import { freePort } from '../lib/free-port';

/** The SDK's own routine news at INFO: a worker starting and changing state, a workflow bundle made at start-up. */
const ROUTINE = /^(Worker state changed|Initializing worker|Workflow bundle created|No Nexus services registered)|webpack|asset workflow-bundle/;

/**
 * The Temporal SDK's logs (the SDK, its native core, workflow and activity `log` calls) into the process's logger:
 * its routine INFO lines become debug, an Error in the metadata becomes its message, and a delivery's lines name
 * the notification (a deliverNotification workflow's ID is the notification ID).
 */
export class TemporalLogger implements Logger {
  constructor(private readonly logger: AppLogger) {}

  log(level: LogLevel, message: string, meta: LogMetadata = {}): void {
    const fields: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(meta)) fields[key] = value instanceof Error ? value.message : value;
    // The tracing interceptors name a workflow's or an activity's span in snake case: our logs say traceId, spanId.
    if (typeof fields.trace_id === 'string') [fields.traceId, fields.spanId] = [fields.trace_id, fields.span_id];
    delete fields.trace_id;
    delete fields.span_id;
    delete fields.trace_flags;
    if (fields.workflowType === DELIVERY_WORKFLOW_TYPE && typeof fields.workflowId === 'string') fields.notificationId = fields.workflowId;
    const context = `temporal${typeof fields.sdkComponent === 'string' ? `:${fields.sdkComponent}` : ''}`;
    const entry = { context, ...fields };
    switch (level) {
      case 'TRACE':
        return this.logger.trace(entry, message);
      case 'DEBUG':
        return this.logger.debug(entry, message);
      case 'INFO':
        return ROUTINE.test(message) ? this.logger.debug(entry, message) : this.logger.info(entry, message);
      case 'WARN':
        return this.logger.warn(entry, message);
      default:
        return this.logger.error(entry, message);
    }
  }

  trace = (message: string, meta?: LogMetadata) => this.log('TRACE', message, meta);
  debug = (message: string, meta?: LogMetadata) => this.log('DEBUG', message, meta);
  info = (message: string, meta?: LogMetadata) => this.log('INFO', message, meta);
  warn = (message: string, meta?: LogMetadata) => this.log('WARN', message, meta);
  error = (message: string, meta?: LogMetadata) => this.log('ERROR', message, meta);
}

export interface TemporalRuntime {
  /** Where the SDK's Prometheus exporter answers (worker and connection metrics, named plude_temporal_*). */
  metricsUrl: string;
}

/**
 * Installs the Temporal SDK's process-wide runtime, once, at start-up (before the first NativeConnection): its logs
 * go to `logger` at LOG_LEVEL (the native core's forwarded too), and its metrics to a Prometheus exporter on
 * 127.0.0.1 (TEMPORAL_METRICS_PORT, else a free port), which /metrics includes.
 */
export async function installTemporalRuntime(config: Config, logger: AppLogger): Promise<TemporalRuntime> {
  const port = config.temporal.metricsPort ?? (await freePort());
  // pino's level names, upper-cased, are the SDK's: error, warn, info, debug, trace.
  const level = PINO_LEVELS[config.log.level].toUpperCase() as LogLevel;
  Runtime.install({
    logger: new TemporalLogger(logger),
    telemetryOptions: {
      logging: { filter: { core: level, other: 'WARN' }, forward: {} },
      metrics: { metricPrefix: 'plude_temporal_', prometheus: { bindAddress: `127.0.0.1:${port}`, useSecondsForDurations: true } },
    },
  });
  return { metricsUrl: `http://127.0.0.1:${port}/metrics` };
}
