import type { Client } from '@temporalio/client';
import { type ApiClient } from '../../support/api-client';
import { useTestApp } from '../../support/test-app';
import { waitFor } from '../../support/wait';

const PENDING = 10;
const READS = 200;

/** The workflow tasks in a notification's history so far: scheduled and completed. */
async function workflowTasksOf(client: Client, ids: string[]): Promise<number> {
  let count = 0;
  for (const id of ids) {
    const history = await client.workflow.getHandle(id).fetchHistory();
    count += (history.events ?? []).filter((e) => e.workflowTaskScheduledEventAttributes || e.workflowTaskCompletedEventAttributes).length;
  }
  return count;
}

/** `count` pending notifications to the one subscription of `api`'s environment. */
async function pendingNotifications(api: ApiClient, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let n = 0; n < count; n++) {
    const published = await api.publish('order.paid', { n });
    const event = await waitFor(
      () => api.request('GET', `/events/${published.body.id}`),
      (r) => r.body.notifications.length === 1,
    );
    ids.push(event.body.notifications[0].id);
  }
  return ids;
}

describe('reading pending notifications costs the workers nothing', () => {
  // The first retry is a minute away: while the test reads, no workflow has a reason to run a task of its own.
  const t = useTestApp({
    responder: (_, request) => (request.path.startsWith('/failing') ? 500 : 204),
    env: { RATE_LIMIT: '10000/s', RETRY_INITIAL_INTERVAL: '1m', RETRY_MAX_INTERVAL: '1m' },
  });

  it(`${READS} reads of pending notifications (retrying and held) make no workflow task and send no query`, async () => {
    const { api } = await t.app.newEnvironment();
    await api.subscribe(t.receiver.url('/failing'));
    const retrying = await pendingNotifications(api, PENDING / 2);
    const { api: pausedApi } = await t.app.newEnvironment();
    const { body: paused } = await pausedApi.subscribe(t.receiver.url('/paused'));
    await pausedApi.request('PATCH', `/webhooks/subscriptions/${paused.id}`, { status: 'paused' });
    const held = await pendingNotifications(pausedApi, PENDING / 2);
    // Settled: each retrying one has failed its first attempt, each held one waits for its release.
    for (const id of retrying)
      await waitFor(
        () => api.request('GET', `/notifications/${id}`),
        (r) => r.body.attemptCount === 1,
      );
    for (const id of held)
      await waitFor(
        () => pausedApi.request('GET', `/notifications/${id}`),
        (r) => r.body.temporal?.held === true,
      );
    const ids = [...retrying, ...held];
    const before = await workflowTasksOf(t.app.client, ids);

    const queries = jest.spyOn(t.app.client.workflowService, 'queryWorkflow');
    try {
      const started = performance.now();
      const reader = (n: number) => (n % ids.length < retrying.length ? api : pausedApi);
      const answers = await Promise.all(Array.from({ length: READS }, (_, n) => reader(n).request('GET', `/notifications/${ids[n % ids.length]}`)));
      const elapsedMs = performance.now() - started;
      expect(answers.map((r) => r.status)).toEqual(Array(READS).fill(200));
      for (const [n, r] of answers.entries()) {
        expect(r.body.status).toBe('pending');
        expect(r.body.temporal).toMatchObject({ workflowStatus: 'RUNNING', held: held.includes(ids[n % ids.length]) });
      }
      expect(queries).not.toHaveBeenCalled();
      expect(await workflowTasksOf(t.app.client, ids)).toBe(before);
      console.log(`${READS} reads of ${ids.length} pending notifications in ${Math.round(elapsedMs)} ms`);

      // The spy sees the queries this client sends: one query by hand is counted.
      await t.app.client.workflow.getHandle(held[0]).query('notificationState');
      expect(queries).toHaveBeenCalledTimes(1);
    } finally {
      queries.mockRestore();
    }
  });
});
