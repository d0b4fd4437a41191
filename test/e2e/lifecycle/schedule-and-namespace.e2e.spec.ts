import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { msNumberToTs, tsToMs } from '@temporalio/common';
import { loadConfig } from '../../../src/config/config';
import { PurgeSchedule } from '../../../src/temporal/purge-schedule';
import { MIN_NAMESPACE_RETENTION_MS, setNamespaceRetention } from '../../../src/temporal/namespace-retention';
import { waitFor } from '../../support/wait';

const DAY = 86_400_000;

/** The purge's schedule as start-ups make sure of it, and the namespace retention npm start sets on its dev server. */
describe('start-up: the purge schedule and the namespace retention', () => {
  let connection: Connection;
  let client: Client;
  beforeAll(async () => {
    connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS as string });
    client = new Client({ connection });
  });
  afterAll(() => connection.close());

  it('two start-ups at once make one schedule; a changed RETENTION updates it, PURGE_INTERVAL=0 deletes it', async () => {
    const taskQueue = `schedule-${randomBytes(4).toString('hex')}`;
    const scheduleOf = (env: Record<string, string>) => {
      const config = loadConfig({ TEMPORAL_TASK_QUEUE: taskQueue, ...env });
      return new PurgeSchedule(client, config.temporal, config.retention);
    };
    const done = await Promise.all([scheduleOf({}).ensure(), scheduleOf({}).ensure()]);
    expect(done.sort()).toEqual(['created', 'unchanged']);
    const handle = client.schedule.getHandle(`plude-purge-${taskQueue}`);
    const described = await handle.describe();
    expect(described.spec.intervals).toEqual([expect.objectContaining({ every: 3_600_000 })]);
    expect(described.policies.overlap).toBe('SKIP');
    expect(described.action.args).toEqual([expect.objectContaining({ retentionMs: 30 * DAY, responseBodyRetentionMs: 30 * DAY })]);

    expect(await scheduleOf({ RETENTION: '7d', RESPONSE_BODY_RETENTION: '1d' }).ensure()).toBe('updated');
    expect((await handle.describe()).action.args).toEqual([expect.objectContaining({ retentionMs: 7 * DAY, responseBodyRetentionMs: DAY })]);
    expect(await scheduleOf({ RETENTION: '7d', RESPONSE_BODY_RETENTION: '1d' }).ensure()).toBe('unchanged');

    expect(await scheduleOf({ PURGE_INTERVAL: '0' }).ensure()).toBe('deleted');
    expect(await scheduleOf({ PURGE_INTERVAL: '0' }).ensure()).toBe('none');
    expect(await scheduleOf({ PURGE_INTERVAL: '0' }).trigger()).toBeNull();
  });

  it('sets the namespace retention to RETENTION, at least a day', async () => {
    const namespace = `retention-${randomBytes(4).toString('hex')}`;
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msNumberToTs(3 * DAY) });
    const retention = () =>
      waitFor(
        () => connection.workflowService.describeNamespace({ namespace }).then((d) => tsToMs(d.config?.workflowExecutionRetentionTtl)),
        (ms) => ms > 0,
        { what: `namespace ${namespace} registered` },
      );
    await retention();
    expect(await setNamespaceRetention(connection, namespace, 30 * DAY)).toBe(30 * DAY);
    expect(await retention()).toBe(30 * DAY);
    expect(await setNamespaceRetention(connection, namespace, 2_000)).toBe(MIN_NAMESPACE_RETENTION_MS);
    expect(await retention()).toBe(DAY);
  });
});
