import { randomBytes } from 'node:crypto';
import { Client, Connection, type WorkflowStartOptions } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import { deliveryPolicyOf, loadConfig } from '../../../src/config/config';
import { KeyRing } from '../../../src/crypto/key-ring';
import { newId } from '../../../src/domain/ids';
import { openDatabase } from '../../../src/persistence/data-source';
import { EventRepository } from '../../../src/persistence/repositories/event.repository';
import { OutboxRepository } from '../../../src/outbox/outbox.repository';
import { OutboxRelay, type RelayOptions } from '../../../src/outbox/outbox-relay';
import { NotificationDispatcher } from '../../../src/outbox/notification-dispatcher';
import { createScratchDatabase, type ScratchDatabase } from '../../support/scratch-database';
import { ENCRYPTION_KEY } from '../../support/test-app';

/**
 * Recovery as several API processes run it: each instance has its own database pool and dispatcher, against a
 * database of this file's own (so that no other file's outbox rows take part) and the suite's Temporal server.
 * Nothing polls the task queue: the workflows only have to exist.
 */
describe('the outbox relay shares the outbox (real PostgreSQL and Temporal)', () => {
  const config = loadConfig({ ...process.env, ENCRYPTION_KEY, TEMPORAL_TASK_QUEUE: `claims-${randomBytes(4).toString('hex')}` });
  let scratch: ScratchDatabase;
  let connection: Connection;
  let temporal: Client;
  const pools: DataSource[] = [];

  beforeAll(async () => {
    scratch = await createScratchDatabase(process.env.DATABASE_URL as string, 'plude_claims');
    const keyRing = new KeyRing(config.encryption.key as Buffer);
    pools.push(await openDatabase(scratch.url, keyRing, { poolSize: 4 }), await openDatabase(scratch.url, keyRing, { poolSize: 4 }));
    connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS as string });
    temporal = new Client({ connection, namespace: config.temporal.namespace });
  });

  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.destroy()));
    await connection?.close();
    await scratch?.drop();
  });

  /** The real client, recording every start it is asked for; starts of `refused` fail like an unreachable server. */
  function recordingClient(starts: string[], refused = new Set<string>()): Client {
    const start = (type: string, options: WorkflowStartOptions) => {
      starts.push(options.workflowId);
      if (refused.has(options.workflowId)) return Promise.reject(new Error('14 UNAVAILABLE: refused by the test'));
      return temporal.workflow.start(type, options);
    };
    return { withDeadline: temporal.withDeadline.bind(temporal), workflow: { start } } as unknown as Client;
  }

  function recovery(db: DataSource, client: Client, options: RelayOptions): OutboxRelay {
    const outbox = new OutboxRepository(db);
    const warn = () => undefined;
    const dispatcher = new NotificationDispatcher({
      client,
      outbox,
      temporal: config.temporal,
      firstAttempt: config.delivery.firstAttempt,
      eager: false,
      searchAttributes: false,
      warn,
    });
    return new OutboxRelay(outbox, dispatcher, warn, options);
  }

  /** An environment with `subscriptions` subscriptions; returns a function that stores an event without starting anything. */
  async function environment(subscriptions: number) {
    const db = pools[0];
    const environmentId = `env-${randomBytes(5).toString('hex')}`;
    await db.query(`INSERT INTO environments (id) VALUES ($1)`, [environmentId]);
    const subscribe = async (count: number) => {
      for (let i = 0; i < count; i++) {
        await db.query(`INSERT INTO subscriptions (id, environment_id, url) VALUES ($1, $2, $3)`, [
          newId('sub'),
          environmentId,
          `https://receiver.example/${randomBytes(4).toString('hex')}`,
        ]);
      }
    };
    await subscribe(subscriptions);
    const store = async () => {
      const stored = await new EventRepository(db).insertWithNotifications({
        id: newId('evt'),
        environmentId,
        type: 'claims.tested',
        dataJson: '{}',
        idempotencyKey: null,
        policy: deliveryPolicyOf(config.delivery),
        windowMs: config.delivery.windowMs,
      });
      return stored.notifications.map((n) => n.id);
    };
    return { subscribe, store };
  }

  const undispatched = async (ids: string[]) =>
    (await pools[0].query<{ id: string }[]>(`SELECT id FROM notifications WHERE id = ANY ($1) AND dispatched_at IS NULL ORDER BY id`, [ids])).map((r) => r.id);

  it('two instances running at once start every notification, none of them twice', async () => {
    const { store } = await environment(20);
    const ids = [...(await store()), ...(await store()), ...(await store())];
    expect(ids).toHaveLength(60);

    const startsA: string[] = [];
    const startsB: string[] = [];
    const [a, b] = await Promise.all([
      recovery(pools[0], recordingClient(startsA), { batchSize: 7 }).runOnce(0),
      recovery(pools[1], recordingClient(startsB), { batchSize: 7 }).runOnce(0),
    ]);

    expect([...startsA, ...startsB].sort()).toEqual([...ids].sort()); // all, and each once
    expect([a, b]).toEqual([startsA.length, startsB.length]);
    expect(startsA.length).toBeGreaterThan(0); // the work was shared, not done by whoever came first
    expect(startsB.length).toBeGreaterThan(0);
    expect(await undispatched(ids)).toEqual([]);
    const description = await temporal.workflow.getHandle(ids[0]).describe();
    expect(description.status.name).toBe('RUNNING');
  });

  it('a notification whose start keeps failing does not stop the others, and is tried again when its claim runs out', async () => {
    const { subscribe, store } = await environment(1);
    const [failing] = await store(); // the oldest row in the outbox: the head of every pass
    await subscribe(5);
    const others = await store();
    expect(others).toHaveLength(6);

    const starts: string[] = [];
    const instance = recovery(pools[0], recordingClient(starts, new Set([failing])), { batchSize: 2 });
    expect(await instance.runOnce(0)).toBe(6);
    expect(starts.filter((id) => id === failing)).toHaveLength(1);
    expect(await undispatched([failing, ...others])).toEqual([failing]);

    // Its claim holds it off the next pass: nothing is left to do.
    expect(await instance.runOnce(0)).toBe(0);
    expect(starts).toHaveLength(7);

    await pools[0].query(`UPDATE notifications SET dispatch_claimed_until = now() - interval '1 second' WHERE id = $1`, [failing]);
    expect(await instance.runOnce(0)).toBe(0);
    expect(starts.filter((id) => id === failing)).toHaveLength(2);
  });
});
