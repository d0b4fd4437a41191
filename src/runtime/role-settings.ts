import { type Config, ConfigError } from '../config/config';

export interface RoleSettings {
  databaseUrl: string;
  temporalAddress: string;
  /** The master key that seals signing keys; the role builds its key ring from it once. */
  encryptionKey: Buffer;
}

/**
 * A role started on its own has no embedded defaults: it needs a real database and Temporal server, and the master
 * key every other process of the deployment uses (npm start generates one into DATA_DIR instead).
 */
export function requireRoleSettings(config: Config): RoleSettings {
  const missing: string[] = [];
  if (!config.database.url) missing.push('  DATABASE_URL: required when a role runs alone (npm start embeds PostgreSQL)');
  if (!config.encryption.key) {
    missing.push(
      '  ENCRYPTION_KEY: required when a role runs alone: the base64 master key (32 bytes) that seals signing keys, the same in every process (`openssl rand -base64 32` makes one), or ENCRYPTION_KEY_FILE: a file that holds it',
    );
  }
  if (!config.database.url || !config.encryption.key) throw new ConfigError(`Invalid configuration:\n${missing.join('\n')}`);
  return { databaseUrl: config.database.url, temporalAddress: config.temporal.address ?? '127.0.0.1:7233', encryptionKey: config.encryption.key };
}
