import { randomBytes } from 'node:crypto';
import { purgeData } from '../../../workflows/purge-data';
import { PurgeRepository } from '../../../src/persistence/repositories/purge.repository';
import { PurgeSchedule } from '../../../src/temporal/purge-schedule';
import { publishDelivered } from '../../support/deliveries';
import { storeWithoutDispatch, useTestApp } from '../../support/test-app';
import { waitFor } from '../../support/wait';

const RETENTION_MS = 2_000;

/** Finished notifications past a RETENTION of 2 s, purged by the purge workflow, its schedule, and two purges at once. */
describe('the purge: RETENTION as a Temporal Schedule', () => {
  const t = useTestApp({
    responder: (_, request) => (request.path === '/failing' ? 500 : 200),
    env: { RETENTION: '2s', RESPONSE_BODY_RETENTION: '1s' },
  });
  const schedule = () => new PurgeSchedule(t.app.client, t.app.config.temporal, t.app.config.retention);
  const purgeNow = async () => {
    const triggered = await t.app.admin.request('POST', '/admin/purge');
    expect(triggered.status).toBe(202);
    return triggered.body as { scheduleId: string; alreadyRunning: boolean };
  };

  it('the schedule exists; triggered, it deletes finished events with their notifications and attempts, and keeps pending ones', async () => {
    const { api } = await t.app.newEnvironment();
    await api.subscribe(t.receiver.url('/fine'), ['order.shipped', 'order.mixed']);
    await api.subscribe(t.receiver.url('/failing'), ['order.mixed']);
    const finished = await publishDelivered(api, 'order.shipped', { order: 1 });
    const mixed = await api.publish('order.mixed', { order: 2 });
    await t.receiver.arrived('/failing', 2);
    await waitFor(
      () => api.request('GET', `/events/${mixed.body.id}`),
      (r) => r.body.notifications.some((n: { status: string }) => n.status === 'succeeded'),
      { what: 'the mixed event’s /fine notification succeeded' },
    );
    // Past the retention, the finished event may go; the mixed one keeps a pending notification, so all of it stays.
    // The finished event's notification ended longer than RETENTION ago, and the pending one's first two attempts
    // longer than RESPONSE_BODY_RETENTION ago.
    await waitFor(
      () =>
        t.app.db.query<{ past: boolean; old_attempts: number }[]>(
          `SELECT (SELECT bool_and(completed_at < now() - make_interval(secs => $3::float8 / 1000)) FROM notifications WHERE event_id = $1) AS past,
                  (SELECT count(*)::int FROM attempts a JOIN notifications n ON n.id = a.notification_id
                    WHERE n.event_id = $2 AND n.status = 'pending' AND a.number <= 2 AND a.ended_at < now() - interval '1 second') AS old_attempts`,
          [finished.published.body.id, mixed.body.id, RETENTION_MS],
        ),
      ([row]) => row.past && row.old_attempts === 2,
      { what: 'the finished notification past RETENTION, the pending one’s first two attempts past RESPONSE_BODY_RETENTION' },
    );

    const { info } = await t.app.client.schedule.getHandle(schedule().scheduleId).describe();
    const before = info.numActionsTaken;
    const preview = await t.app.admin.request('GET', '/admin/purge');
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ retentionMs: RETENTION_MS, responseBodyRetentionMs: 1_000 });
    expect(preview.body.wouldDelete.events).toBeGreaterThanOrEqual(1);

    const triggered = await purgeNow();
    expect(triggered).toEqual({ scheduleId: `plude-purge-${t.app.config.temporal.taskQueue}`, alreadyRunning: false });
    const ran = await waitFor(
      () => t.app.client.schedule.getHandle(triggered.scheduleId).describe(),
      (d) => d.info.numActionsTaken > before && d.info.runningActions.length === 0,
      { what: 'the triggered purge ran and ended' },
    );
    const last = ran.info.recentActions[ran.info.recentActions.length - 1];
    const result = await t.app.client.workflow.getHandle(last.action.workflow.workflowId).result();
    expect(result.events).toBeGreaterThanOrEqual(1);
    expect(result.notifications).toBeGreaterThanOrEqual(1);
    expect(result.attempts).toBeGreaterThanOrEqual(1);

    expect((await api.request('GET', `/events/${finished.published.body.id}`)).status).toBe(404);
    expect((await api.request('GET', `/notifications/${finished.notificationId}`)).status).toBe(404);
    const kept = await api.request('GET', `/events/${mixed.body.id}`);
    expect(kept.status).toBe(200);
    expect(kept.body.notifications.map((n: { status: string }) => n.status).sort()).toEqual(['pending', 'succeeded']);
    // RESPONSE_BODY_RETENTION (1 s) cleared the kept attempts' bodies.
    const pending = kept.body.notifications.find((n: { status: string }) => n.status === 'pending');
    const attempts = await api.request('GET', `/notifications/${pending.id}/attempts`);
    expect(attempts.body.length).toBeGreaterThanOrEqual(2);
    expect(attempts.body.slice(0, 2).every((a: { responseBody: string | null }) => a.responseBody === null)).toBe(true);

    const metrics = await (await fetch(`${t.app.api.url}/metrics`)).text();
    expect(metrics).toMatch(/^plude_purged_total\{kind="events"\} [1-9]/m);
    expect(metrics).toMatch(/^plude_purged_total\{kind="responseBodies"\} [1-9]/m);
  });

  it('two purges at once delete each row once, with no error', async () => {
    const { api, id: environmentId } = await t.app.newEnvironment();
    await api.subscribe(t.receiver.url(`/a-${randomBytes(3).toString('hex')}`));
    await api.subscribe(t.receiver.url(`/b-${randomBytes(3).toString('hex')}`));
    // 300 events with two finished notifications and one attempt each, an hour old, stored as a purge finds them.
    const ids: string[] = [];
    for (let i = 0; i < 300; i++) ids.push((await storeWithoutDispatch(t.app, environmentId, 'bulk.old', { i })).event.id);
    await t.app.db.query(`UPDATE events SET created_at = now() - interval '1 hour' WHERE id = ANY ($1)`, [ids]);
    await t.app.db.query(
      `UPDATE notifications SET status = 'succeeded', completed_at = now() - interval '1 hour', dispatched_at = now(), attempt_count = 1 WHERE event_id = ANY ($1)`,
      [ids],
    );
    await t.app.db.query(
      `INSERT INTO attempts (id, notification_id, number, url, started_at, ended_at, duration_ms, status_code, succeeded, trigger)
       SELECT plude_new_id('att'), n.id, 1, n.url, n.completed_at, n.completed_at, 0, 200, true, 'initial' FROM notifications n WHERE n.event_id = ANY ($1)`,
      [ids],
    );
    const expected = await new PurgeRepository(t.app.db).preview(RETENTION_MS, RETENTION_MS);
    expect(expected.events).toBeGreaterThanOrEqual(300);

    // Small batches, so that the two runs interleave over the same rows, and few steps a run: each continues as new
    // several times, carrying its counts.
    const input = { ...schedule().input(), batchSize: 20, batchesPerStep: 2, stepsPerRun: 3 };
    const run = (name: string) =>
      t.app.client.workflow.execute(purgeData, {
        taskQueue: t.app.config.temporal.taskQueue,
        workflowId: `${name}-${randomBytes(4).toString('hex')}`,
        args: [input],
      });
    const [a, b] = await Promise.all([run('purge-a'), run('purge-b')]);

    expect(a.events + b.events).toBe(expected.events);
    expect(a.notifications + b.notifications).toBe(expected.notifications);
    expect(a.attempts + b.attempts).toBe(expected.attempts);
    const [{ left }] = await t.app.db.query(`SELECT count(*)::int AS left FROM events WHERE id = ANY ($1)`, [ids]);
    expect(left).toBe(0);
    expect(await new PurgeRepository(t.app.db).preview(RETENTION_MS, RETENTION_MS)).toMatchObject({ events: 0, notifications: 0, attempts: 0 });
  });

  it('GET /notifications/:id answers from PostgreSQL, with temporal: null, once its workflow history is gone', async () => {
    const { api } = await t.app.newEnvironment();
    await api.subscribe(t.receiver.url('/failing'));
    const published = await api.publish('order.stuck', { order: 3 });
    await t.receiver.arrived((r) => r.path === '/failing' && r.body.includes(published.body.id));
    const event = await api.request('GET', `/events/${published.body.id}`);
    const notificationId: string = event.body.notifications[0].id;
    const live = await waitFor(
      () => api.request('GET', `/notifications/${notificationId}`),
      (r) => r.body.temporal !== null,
      { what: 'Temporal’s view of the pending notification' },
    );
    expect(live.body.temporal.workflowStatus).toBe('RUNNING');

    // What the namespace's retention does to a closed workflow, done now: its execution and history deleted.
    await t.app.client.workflowService.deleteWorkflowExecution({
      namespace: t.app.config.temporal.namespace,
      workflowExecution: { workflowId: notificationId },
    });
    await waitFor(
      () =>
        t.app.client.workflow
          .getHandle(notificationId)
          .describe()
          .then(
            () => 'there',
            () => 'gone',
          ),
      (state) => state === 'gone',
      { what: 'the workflow execution deleted' },
    );
    const answered = await api.request('GET', `/notifications/${notificationId}`);
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({ id: notificationId, status: 'pending', temporal: null });
    expect(answered.body.attempts.length).toBeGreaterThanOrEqual(1);
  });
});
