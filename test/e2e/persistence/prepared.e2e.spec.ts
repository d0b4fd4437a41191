import { NO_GATE } from '../../../activities';
import { newId } from '../../../src/domain/ids';
import { OutboxRepository } from '../../../src/outbox/outbox.repository';
import { createDataSource } from '../../../src/persistence/data-source';
import { databaseUnavailable } from '../../../src/persistence/database-unavailable';
import { prepared, statementName } from '../../../src/persistence/prepared';
import { DeliveryRepository } from '../../../src/persistence/repositories/delivery.repository';
import { LOAD_AND_START, RECORD_ATTEMPT } from '../../../src/persistence/repositories/delivery.sql';
import { EventRepository } from '../../../src/persistence/repositories/event.repository';
import { useOwnDatabase } from '../../support/own-database';

/**
 * The statements every delivery makes run as named prepared statements (src/persistence/prepared.ts): parsed once per
 * connection, their plans kept, and still right after a migration adds columns under a running process.
 */
describe('prepared statements (real PostgreSQL)', () => {
  const database = useOwnDatabase('prepared');
  const START = { forMs: 5_000, gate: { ...NO_GATE, releaseRate: 10 } };

  /** One delivery's statements on `db`: the publish, the load that starts the attempt, its record, the dispatch mark. */
  async function deliverOnce(db = database.db) {
    const { environmentId } = await database.subscribed();
    const [notification] = (await database.publish(environmentId, { events: new EventRepository(db) })).notifications;
    const deliveries = new DeliveryRepository(db, database.keyRing);
    expect((await deliveries.loadDelivery(notification.id, START))?.started).toBe(true);
    const at = new Date();
    const recorded = await deliveries.recordAttempt({
      attemptId: newId('att'),
      notificationId: notification.id,
      url: 'https://receiver.example/hooks',
      startedAt: at,
      endedAt: at,
      statusCode: 200,
      error: null,
      responseBody: null,
      succeeded: true,
      retryAfterMs: null,
      nextAttemptAt: null,
      trigger: 'initial',
      requestHeaders: {},
    });
    expect(recorded).toEqual({ number: 1, status: 'succeeded' });
    await new OutboxRepository(db).markDispatched([notification.id]);
    return notification.id;
  }

  it('parses each once per connection and reuses it: PostgreSQL lists them by name, with their executions', async () => {
    const single = await createDataSource(database.url, { poolSize: 1 }).initialize();
    try {
      for (let i = 0; i < 8; i++) await deliverOnce(single);
      const statements = await single.query<{ name: string; runs: number; generic: number }[]>(
        `SELECT name, (generic_plans + custom_plans)::int AS runs, generic_plans::int AS generic FROM pg_prepared_statements WHERE name = ANY ($1)`,
        [[statementName(LOAD_AND_START), statementName(RECORD_ATTEMPT)]],
      );
      expect(statements.sort((a, b) => a.name.localeCompare(b.name))).toEqual(
        [
          { name: statementName(LOAD_AND_START), runs: 8, generic: expect.any(Number) },
          { name: statementName(RECORD_ATTEMPT), runs: 8, generic: expect.any(Number) },
        ].sort((a, b) => a.name.localeCompare(b.name)),
      );
      // Past its first five runs PostgreSQL plans a statement once for all (a generic plan) when that costs no more.
      expect(statements.every((s) => s.generic > 0)).toBe(true);
      // The publish and the mark too: four statements per delivery, each under one name.
      expect((await single.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name LIKE 'plude_%'`))[0].n).toBe(4);
    } finally {
      await single.destroy();
    }
  });

  it('a migration that adds columns to the tables they use, under a running process, does not break them', async () => {
    const single = await createDataSource(database.url, { poolSize: 1 }).initialize();
    const tables = ['events', 'notifications', 'subscriptions', 'attempts', 'environments'];
    try {
      for (let i = 0; i < 6; i++) await deliverOnce(single);
      for (const table of tables) await database.db.query(`ALTER TABLE ${table} ADD COLUMN added_by_a_later_release integer`);
      const id = await deliverOnce(single);
      expect(await new DeliveryRepository(single, database.keyRing).loadDelivery(id)).toMatchObject({ status: 'succeeded' });
    } finally {
      await single.destroy();
      for (const table of tables) await database.db.query(`ALTER TABLE ${table} DROP COLUMN IF EXISTS added_by_a_later_release`);
    }
  });

  it('fails as db.query does: a QueryFailedError with its SQLSTATE, logged by the DataSource’s logger', async () => {
    const logged = jest.spyOn(database.db.logger, 'logQueryError').mockImplementation(() => undefined);
    try {
      const failure = await prepared(database.db, `SELECT $1::integer AS n`, ['not a number']).catch((err: unknown) => err);
      expect(failure).toMatchObject({ name: 'QueryFailedError', driverError: expect.objectContaining({ code: '22P02' }) });
      expect(databaseUnavailable(failure)).toBeNull();
      expect(logged).toHaveBeenCalledWith(expect.objectContaining({ code: '22P02' }), `SELECT $1::integer AS n`, ['not a number']);
    } finally {
      logged.mockRestore();
    }
  });

  it('through a transaction’s EntityManager runs in that transaction, unnamed, and answers rows, an UPDATE’s too', async () => {
    const { subscriptionId } = await database.subscribed();
    const runner = await database.transaction();
    const rows = await prepared<{ id: string }>(runner.manager, `UPDATE subscriptions SET url = 'https://held.example/hooks' WHERE id = $1 RETURNING id`, [
      subscriptionId,
    ]);
    expect(rows).toEqual([{ id: subscriptionId }]);
    const urlOf = async (db: { query: (text: string, values: unknown[]) => Promise<{ url: string }[]> }) =>
      (await db.query(`SELECT url FROM subscriptions WHERE id = $1`, [subscriptionId]))[0].url;
    expect([await urlOf(runner.manager), await urlOf(database.db)]).toEqual(['https://held.example/hooks', 'https://receiver.example/hooks']);
    await runner.rollbackTransaction();
  });
});
