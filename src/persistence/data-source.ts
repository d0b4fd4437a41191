import { Logger, type LoggerService } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConfigError } from '../config/config';
import type { KeyRing } from '../crypto/key-ring';
import { ENTITIES } from './entities';
import { InitialSchema1764374400000 } from './migrations/1764374400000-initial-schema';
import { IdFunction1764378000000 } from './migrations/1764378000000-id-function';
import { ExactEventData1764460800000 } from './migrations/1764460800000-exact-event-data';
import { NotificationPolicy1764800000000 } from './migrations/1764800000000-notification-policy';
import { SubscriptionLifecycle1764810000000 } from './migrations/1764810000000-subscription-lifecycle';
import { SealedSigningKeys1764850000000 } from './migrations/1764850000000-sealed-signing-keys';
import { TokenLastUsed1764860000000 } from './migrations/1764860000000-token-last-used';
import { DispatchClaims1764900000000 } from './migrations/1764900000000-dispatch-claims';
import { EventTypes1764950000000 } from './migrations/1764950000000-event-types';
import { Redelivery1764960000000 } from './migrations/1764960000000-redelivery';
import { Recoveries1764970000000 } from './migrations/1764970000000-recoveries';
import { EnvironmentPrivateTargets1764980000000 } from './migrations/1764980000000-environment-private-targets';
import { PlatformCatalog1764990500000 } from './migrations/1764990500000-platform-catalog';
import { TokenScopes1765019000000 } from './migrations/1765019000000-token-scopes';
import { AttemptsToCurrentUrl1765090000000 } from './migrations/1765090000000-attempts-to-current-url';
import { DeliveryGate1765100000000 } from './migrations/1765100000000-delivery-gate';
import { EnvironmentGateDefaults1765110000000 } from './migrations/1765110000000-environment-gate-defaults';
import { OperationalWebhooks1765200000000 } from './migrations/1765200000000-operational-webhooks';
import { DataLifecycle1765300000000 } from './migrations/1765300000000-data-lifecycle';
import { OrderedDelivery1765400000000 } from './migrations/1765400000000-ordered-delivery';
import { EventTraceId1765500000000 } from './migrations/1765500000000-event-trace-id';
import { PortalSessions1765600000000 } from './migrations/1765600000000-portal-sessions';
import { NotificationLists1765610000000 } from './migrations/1765610000000-notification-lists';
import { EnvironmentBranding1765620000000 } from './migrations/1765620000000-environment-branding';
import { AttemptRequestHeaders1765630000000 } from './migrations/1765630000000-attempt-request-headers';
import { QueryLogger } from './query-logger';
import { type SealReport, SigningKeyRepository } from './repositories/signing-key.repository';

export const MIGRATIONS = [
  InitialSchema1764374400000,
  IdFunction1764378000000,
  ExactEventData1764460800000,
  NotificationPolicy1764800000000,
  SubscriptionLifecycle1764810000000,
  SealedSigningKeys1764850000000,
  TokenLastUsed1764860000000,
  DispatchClaims1764900000000,
  EventTypes1764950000000,
  Redelivery1764960000000,
  Recoveries1764970000000,
  EnvironmentPrivateTargets1764980000000,
  PlatformCatalog1764990500000,
  TokenScopes1765019000000,
  AttemptsToCurrentUrl1765090000000,
  DeliveryGate1765100000000,
  EnvironmentGateDefaults1765110000000,
  OperationalWebhooks1765200000000,
  DataLifecycle1765300000000,
  OrderedDelivery1765400000000,
  EventTraceId1765500000000,
  PortalSessions1765600000000,
  NotificationLists1765610000000,
  EnvironmentBranding1765620000000,
  AttemptRequestHeaders1765630000000,
];

export interface DatabaseOptions {
  poolSize?: number;
  applicationName?: string;
  /** Where failed queries are logged (without their parameters); Nest's logger by default. */
  logger?: Pick<LoggerService, 'error' | 'warn'>;
}

/** Arbitrary but fixed key for the advisory lock that serialises migrations across processes. */
const MIGRATION_LOCK = 7_358_201;

/**
 * Every pooled connection gets an 'error' listener of its own. The pool listens while a connection is idle and
 * TypeORM while it is checked out, but an error a server sends as it shuts down (57P01) can arrive in between, and an
 * EventEmitter 'error' without a listener ends the process: the chaos suite's F3 saw an API and a worker die that
 * way when PostgreSQL stopped. The pool and the query runners still drop the broken connection and fail its queries.
 */
function keepErrorsFromCrashing(client: { on(event: 'error', listener: (err: Error) => void): unknown }): void {
  client.on('error', () => undefined);
}

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
    // A checkout that waits 30 s (a server that does not answer) fails, and the request gets 503, instead of
    // hanging. It counts the wait for a free connection too: 5 s failed publishes in the chaos suite's burst (L2).
    extra: { max: options.poolSize ?? 20, connectionTimeoutMillis: 30_000, onConnect: keepErrorsFromCrashing },
  });
}

/** Why a process must not start: live signing keys that no master key it holds can open. */
function unreadableKeys(unreadable: SealReport['unreadable'], keyRing: KeyRing): ConfigError {
  const sealedBy = unreadable.map(({ masterKeyId, count }) => `${count} by master key ${masterKeyId}`).join(', ');
  const holds = `ENCRYPTION_KEY is master key ${keyRing.currentId}` + (keyRing.previousId ? `, ENCRYPTION_KEY_PREVIOUS is ${keyRing.previousId}` : '');
  return new ConfigError(
    `Invalid configuration:\n  ENCRYPTION_KEY: the database holds live signing keys sealed ${sealedBy}; ${holds}. ` +
      'Start with the master key that sealed them (as ENCRYPTION_KEY_PREVIOUS while rotating to a new one).',
  );
}

/**
 * Connects, applies pending migrations, then seals every signing key not yet sealed under the current master key
 * (plaintext keys from before sealing, keys sealed by ENCRYPTION_KEY_PREVIOUS), all under one lock, so it is safe
 * when the api and worker roles start at the same time. Refuses to go on when live keys are sealed by a master key
 * the key ring does not hold: every delivery to them would fail.
 */
export async function openDatabase(url: string, keyRing: KeyRing, options: DatabaseOptions = {}): Promise<DataSource> {
  const dataSource = await createDataSource(url, options).initialize();
  try {
    await underMigrationLock(dataSource, async () => {
      await dataSource.runMigrations({ transaction: 'each' });
      const { unreadable } = await new SigningKeyRepository(dataSource, keyRing).sealStored();
      if (unreadable.length > 0) throw unreadableKeys(unreadable, keyRing);
    });
  } catch (err) {
    await dataSource.destroy().catch(() => undefined);
    throw err;
  }
  return dataSource;
}

async function underMigrationLock(dataSource: DataSource, work: () => Promise<void>): Promise<void> {
  const runner = dataSource.createQueryRunner();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await work();
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}
