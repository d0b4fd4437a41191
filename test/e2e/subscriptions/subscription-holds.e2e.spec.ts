import { temporal } from '@temporalio/proto';
import { notificationStateQuery } from '../../../workflows';
import { type ApiClient } from '../../support/api-client';
import { waitFor } from '../../support/wait';
import { startedWorkflow, summaryOf, workflowStateOf } from '../../support/workflows';
import { useTestApp } from '../../support/test-app';

const { EventType } = temporal.api.enums.v1;

const notificationIds = async (api: ApiClient, eventIds: string[]) =>
  Promise.all(
    eventIds.map(
      async (id) =>
        (
          await waitFor(
            () => api.request('GET', `/events/${id}`),
            (r) => r.body.notifications.length === 1,
          )
        ).body.notifications[0].id as string,
    ),
  );

describe('pause holds, resume releases; disable by 410 and by failing', () => {
  /** Per path: `gone` answers 410 until healed; `failing` always 500; everything else 204. */
  const healed = new Set<string>();
  const t = useTestApp({
    responder: (_, request) => {
      if (healed.has(request.path)) return 204;
      if (request.path.startsWith('/gone')) return 410;
      if (request.path.startsWith('/failing')) return 500;
      return 204;
    },
    env: { RETRY_INITIAL_INTERVAL: '1s', RETRY_MAX_INTERVAL: '1s', AUTO_DISABLE_AFTER: '2s' },
    // A resume reads its held notifications' IDs 2 at a time (500 in production): every release here spans pages.
    configure: (config) => ({ ...config, releasePageSize: 2 }),
  });

  it('a resume releases more held notifications than a page holds: it pages through them, and every one arrives', async () => {
    const { api } = await t.app.newEnvironment();
    const { body } = await api.subscribe(t.receiver.url('/paged'));
    await api.request('PATCH', `/webhooks/subscriptions/${body.id}`, { status: 'paused' });
    const events = await Promise.all([1, 2, 3, 4, 5, 6, 7].map((n) => api.publish('order.paid', { n })));
    const ids = await notificationIds(
      api,
      events.map((e) => e.body.id),
    );
    for (const id of ids)
      await waitFor(
        () => workflowStateOf(t.app.client, id),
        (s) => s?.status === 'held',
      );
    expect(t.receiver.forPath('/paged')).toHaveLength(0);

    expect((await api.request('PATCH', `/webhooks/subscriptions/${body.id}`, { status: 'active' })).body.status).toBe('active');
    // A held workflow looks again only hourly: each arrives because its release signal, on one of 4 pages, was sent.
    await t.receiver.arrived('/paged', 7, { timeoutMs: 15_000 });
    expect(
      t.receiver
        .forPath('/paged')
        .map((r) => (JSON.parse(r.body) as { id: string }).id)
        .sort(),
    ).toEqual(events.map((e) => e.body.id as string).sort());
  });

  it('while paused nothing is attempted; on resume every held notification arrives at once', async () => {
    const { api } = await t.app.newEnvironment();
    const { body } = await api.subscribe(t.receiver.url('/paused'));
    const paused = await api.request('PATCH', `/webhooks/subscriptions/${body.id}`, { status: 'paused' });
    expect(paused.body.status).toBe('paused');
    const events = await Promise.all([1, 2, 3].map((n) => api.publish('order.paid', { n })));
    expect(events.map((e) => e.body.notifications)).toEqual([1, 1, 1]);
    const ids = await notificationIds(
      api,
      events.map((e) => e.body.id),
    );

    // Each workflow has looked at its subscription and is waiting, not retrying.
    for (const id of ids)
      await waitFor(
        () => workflowStateOf(t.app.client, id),
        (s) => s?.status === 'held',
      );
    const held = await api.request('GET', `/notifications/${ids[0]}`);
    expect(held.body).toMatchObject({ status: 'pending', held: 'paused', attemptCount: 0, nextAttemptAt: null });
    // The check: nothing reaches the receiver for 5 s.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    expect(t.receiver.forPath('/paused')).toHaveLength(0);
    expect((await api.request('GET', `/notifications/${ids[0]}`)).body.attemptCount).toBe(0);

    const resumedAt = Date.now();
    expect((await api.request('PATCH', `/webhooks/subscriptions/${body.id}`, { status: 'active' })).body.status).toBe('active');
    await t.receiver.arrived('/paused', 3, { timeoutMs: 10_000 });
    expect(Math.max(...t.receiver.forPath('/paused').map((r) => r.at)) - resumedAt).toBeLessThan(5_000);
    for (const id of ids) {
      await waitFor(
        () => api.request('GET', `/notifications/${id}`),
        (r) => r.body.status === 'succeeded',
      );
      expect(await t.app.client.workflow.getHandle(id).result()).toMatchObject({ status: 'succeeded' });
    }
    // The try after the release ran as a first attempt does: a local activity in the task that saw the release (after
    // the patch's marker), named so in the Web UI, and no activity task at all.
    const history = (await t.app.client.workflow.getHandle(ids[0]).fetchHistory()).events ?? [];
    expect(history.filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)).toEqual([]);
    const markers = history.filter((e) => e.eventType === EventType.EVENT_TYPE_MARKER_RECORDED);
    expect(markers.map((e) => [e.markerRecordedEventAttributes?.markerName, summaryOf(e)])).toEqual([
      ['core_local_activity', 'attempt 1, inside the first workflow task'],
      ['core_patch', undefined],
      ['core_local_activity', 'the next attempt, inside the workflow task that saw the release'],
    ]);
  });

  it('a 410 Gone disables the subscription and holds its notifications; re-enabling releases them', async () => {
    const { api } = await t.app.newEnvironment();
    const { body } = await api.subscribe(t.receiver.url('/gone'));
    const first = await api.publish('order.paid', { n: 1 });
    const [firstId] = await notificationIds(api, [first.body.id]);
    const disabled = await waitFor(
      () => api.request('GET', `/webhooks/subscriptions/${body.id}`),
      (r) => r.body.status === 'disabled',
    );
    expect(disabled.body.disabledReason).toBe('gone');
    const held = await waitFor(
      () => api.request('GET', `/notifications/${firstId}`),
      (r) => r.body.held === 'disabled',
    );
    expect(held.body).toMatchObject({ status: 'pending', attemptCount: 1, nextAttemptAt: null });
    expect(held.body.attempts[0]).toMatchObject({ statusCode: 410, nextAttemptAt: null });

    // A new event while disabled is stored and held too.
    const second = await api.publish('order.paid', { n: 2 });
    expect(second.body.notifications).toBe(1);
    const [secondId] = await notificationIds(api, [second.body.id]);
    await waitFor(
      () => workflowStateOf(t.app.client, secondId),
      (s) => s?.status === 'held',
    );
    expect(t.receiver.forPath('/gone')).toHaveLength(1);

    healed.add('/gone');
    const enabled = await api.request('PATCH', `/webhooks/subscriptions/${body.id}`, { status: 'active' });
    expect(enabled.body).toMatchObject({ status: 'active', disabledReason: null });
    for (const id of [firstId, secondId])
      await waitFor(
        () => api.request('GET', `/notifications/${id}`),
        (r) => r.body.status === 'succeeded',
      );
    expect(t.receiver.forPath('/gone')).toHaveLength(3);
  });

  it('a subscription with no 2xx for AUTO_DISABLE_AFTER is disabled as failing', async () => {
    const { api } = await t.app.newEnvironment();
    const { body } = await api.subscribe(t.receiver.url('/failing'));
    const published = await api.publish('order.paid', { n: 1 });
    const [id] = await notificationIds(api, [published.body.id]);
    const disabled = await waitFor(
      () => api.request('GET', `/webhooks/subscriptions/${body.id}`),
      (r) => r.body.status === 'disabled',
      20_000,
    );
    expect(disabled.body.disabledReason).toBe('failing');
    const notification = await waitFor(
      () => api.request('GET', `/notifications/${id}`),
      (r) => r.body.held === 'disabled',
    );
    const attempts = notification.body.attempts as { startedAt: string }[];
    // Disabled by the first failure at least 2 s after the first one.
    expect(Date.parse(attempts[attempts.length - 1].startedAt) - Date.parse(attempts[0].startedAt)).toBeGreaterThanOrEqual(2_000);
    await waitFor(
      () => t.app.client.workflow.getHandle(id).query(notificationStateQuery),
      (s) => s.status === 'held',
    );
    expect(t.receiver.forPath('/failing')).toHaveLength(attempts.length);
  });
});

describe('a hold does not stretch the window', () => {
  const t = useTestApp({ env: { DELIVERY_WINDOW: '3s', DELIVERY_TIMEOUT: '1s' } });

  it('a notification whose window closes while paused expires at expiresAt, with no attempt', async () => {
    const { api } = await t.app.newEnvironment();
    const { body } = await api.subscribe(t.receiver.url('/paused-too-long'));
    await api.request('PATCH', `/webhooks/subscriptions/${body.id}`, { status: 'paused' });
    const published = await api.publish('order.paid', { n: 1 });
    const [id] = await notificationIds(api, [published.body.id]);
    // Answered once stored: its workflow starts in the background (and, paused, makes no attempt to wait for).
    expect(await (await startedWorkflow(t.app.client, id)).result()).toMatchObject({ status: 'expired' });
    const notification = await api.request('GET', `/notifications/${id}`);
    expect(notification.body).toMatchObject({ status: 'expired', attemptCount: 0, held: null });
    expect(Date.parse(notification.body.completedAt)).toBeGreaterThanOrEqual(Date.parse(notification.body.expiresAt));
    await api.request('PATCH', `/webhooks/subscriptions/${body.id}`, { status: 'active' });
    expect(t.receiver.forPath('/paused-too-long')).toHaveLength(0);
  });
});
