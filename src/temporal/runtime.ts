import { DefaultLogger, type LogLevel, Runtime } from '@temporalio/worker';
import type { Config } from '../config/config';

const LEVELS: Record<Config['log']['level'], LogLevel> = { error: 'ERROR', warn: 'WARN', log: 'INFO', debug: 'DEBUG', verbose: 'TRACE' };

/** The Temporal SDK's process-wide runtime, logging at LOG_LEVEL. Must run before the first NativeConnection. */
export function installTemporalRuntime(config: Config): void {
  if (Runtime._instance) return;
  Runtime.install({ logger: new DefaultLogger(LEVELS[config.log.level]) });
}
