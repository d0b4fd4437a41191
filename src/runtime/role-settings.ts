import { type Config, ConfigError } from '../config/config';

/** A role started on its own has no embedded defaults: it needs a real database and Temporal server. */
export function requireRoleSettings(config: Config): { databaseUrl: string; temporalAddress: string } {
  if (!config.database.url) throw new ConfigError('Invalid configuration:\n  DATABASE_URL: required when a role runs alone (npm start embeds PostgreSQL)');
  return { databaseUrl: config.database.url, temporalAddress: config.temporal.address ?? '127.0.0.1:7233' };
}
