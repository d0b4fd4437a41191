import { Logger, type LoggerService } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ENTITIES } from './entities';
import { InitialSchema1764374400000 } from './migrations/1764374400000-initial-schema';
import { IdFunction1764378000000 } from './migrations/1764378000000-id-function';
import { ExactEventData1764460800000 } from './migrations/1764460800000-exact-event-data';
import { NotificationPolicy1764800000000 } from './migrations/1764800000000-notification-policy';
import { SubscriptionLifecycle1764810000000 } from './migrations/1764810000000-subscription-lifecycle';
import { DispatchClaims1764900000000 } from './migrations/1764900000000-dispatch-claims';
import { QueryLogger } from './query-logger';

export const MIGRATIONS = [
  InitialSchema1764374400000,
  IdFunction1764378000000,
  ExactEventData1764460800000,
  NotificationPolicy1764800000000,
  SubscriptionLifecycle1764810000000,
  DispatchClaims1764900000000,
];

export interface DatabaseOptions {
  poolSize?: number;
  applicationName?: string;
  /** Where failed queries are logged (without their parameters); Nest's logger by default. */
  logger?: Pick<LoggerService, 'error' | 'warn'>;
}

/** Arbitrary but fixed key for the advisory lock that serialises migrations across processes. */
const MIGRATION_LOCK = 7_358_201;

export function createDataSource(url: string, options: DatabaseOptions = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    logger: new QueryLogger(options.logger ?? new Logger('database')),
    applicationName: options.applicationName ?? 'plude-webhooks',
    extra: { max: options.poolSize ?? 20 },
  });
}

/** Connects and applies pending migrations. Safe when the api and worker roles start at the same time. */
export async function openDatabase(url: string, options: DatabaseOptions = {}): Promise<DataSource> {
  const dataSource = await createDataSource(url, options).initialize();
  const runner = dataSource.createQueryRunner();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
  return dataSource;
}
