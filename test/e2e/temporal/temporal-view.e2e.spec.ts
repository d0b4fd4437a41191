import { type AddressInfo, createServer, type Socket } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { NotificationInspector } from '../../../src/temporal/notification-inspector';
import { type ApiClient } from '../../support/api-client';
import { waitFor } from '../../support/wait';
import { useTestApp } from '../../support/test-app';

const keyword = (name: string) => defineSearchAttributeKey(name, SearchAttributeType.KEYWORD);

async function notificationOf(api: ApiClient, type: string, data: Record<string, unknown>) {
  const published = await api.publish(type, data);
  const event = await waitFor(
    () => api.request('GET', `/events/${published.body.id}`),
    (r) => r.body.notifications.length === 1,
  );
  return { eventId: published.body.id as string, id: event.body.notifications[0].id as string };
}

describe('what an operator sees of a notification in Temporal', () => {
  const t = useTestApp({
    responder: (_, request) => (request.path.startsWith('/failing') ? 500 : 204),
    env: { RETRY_INITIAL_INTERVAL: '1s', RETRY_MAX_INTERVAL: '10s' },
  });

  it('each workflow carries a static summary (event type → URL host), static details and all four search attributes', async () => {
    const { id: environmentId, api } = await t.app.newEnvironment();
    const { body: subscription } = await api.subscribe(t.receiver.url('/hooks/secret-path?token=s3cr3t'));
    const { eventId, id } = await notificationOf(api, 'order.paid', { n: 1 });
    await waitFor(
      () => api.request('GET', `/notifications/${id}`),
      (r) => r.body.status === 'succeeded',
    );

    const description = await t.app.client.workflow.getHandle(id).describe();
    const host = new URL(t.receiver.url()).host;
    expect(await description.staticSummary()).toBe(`order.paid → ${host}`);
    const details = await description.staticDetails();
    for (const part of [subscription.id, eventId, environmentId, 'trigger: initial']) expect(details).toContain(part);
    expect(`${await description.staticSummary()} ${details}`).not.toMatch(/secret-path|s3cr3t/);
    // Its environment is its fairness key: Temporal dispatches the environments' tasks round-robin.
    expect(description.raw.workflowExecutionInfo?.priority?.fairnessKey).toBe(environmentId);
    const attributes = description.typedSearchAttributes;
    expect([
      attributes.get(keyword('PludeEnvironment')),
      attributes.get(keyword('PludeSubscription')),
      attributes.get(keyword('PludeEvent')),
      attributes.get(keyword('PludeEventType')),
    ]).toEqual([environmentId, subscription.id, eventId, 'order.paid']);

    const query = `PludeEnvironment = '${environmentId}' AND PludeSubscription = '${subscription.id}' AND PludeEvent = '${eventId}' AND PludeEventType = 'order.paid'`;
    const listed = await waitFor(
      async () => {
        const ids: string[] = [];
        for await (const run of t.app.client.workflow.list({ query })) ids.push(run.workflowId);
        return ids;
      },
      (ids) => ids.length > 0,
    );
    expect(listed).toEqual([id]);
  });

  it('GET /notifications/:id adds, while pending, the attempt Temporal is on, its last failure and the next retry', async () => {
    const { api } = await t.app.newEnvironment();
    await api.subscribe(t.receiver.url('/failing'));
    const { id } = await notificationOf(api, 'order.paid', { n: 2 });
    const waiting = await waitFor(
      () => api.request('GET', `/notifications/${id}`),
      (r) => r.body.temporal?.nextRetryAt !== null && /^attempt \d+ → HTTP 500$/.test(r.body.temporal?.lastFailure ?? ''),
    );
    expect(waiting.body.status).toBe('pending');
    expect(waiting.body.temporal).toMatchObject({ workflowStatus: 'RUNNING', held: false, activityAttempt: expect.any(Number) });
    expect(waiting.body.temporal.activityAttempt).toBeGreaterThanOrEqual(2);
    expect(Date.parse(waiting.body.temporal.nextRetryAt)).toBeGreaterThan(Date.parse(waiting.body.attempts.at(-1).endedAt));
  });

  it('GET /notifications/:id says when the workflow holds the notification, and nothing from Temporal once it has ended', async () => {
    const { api } = await t.app.newEnvironment();
    const { body: subscription } = await api.subscribe(t.receiver.url('/paused'));
    await api.request('PATCH', `/webhooks/subscriptions/${subscription.id}`, { status: 'paused' });
    const { id } = await notificationOf(api, 'order.paid', { n: 3 });
    const held = await waitFor(
      () => api.request('GET', `/notifications/${id}`),
      (r) => r.body.temporal?.held === true,
    );
    expect(held.body).toMatchObject({ status: 'pending', held: 'paused', temporal: { workflowStatus: 'RUNNING', activityAttempt: null, lastFailure: null } });

    await api.request('PATCH', `/webhooks/subscriptions/${subscription.id}`, { status: 'active' });
    const done = await waitFor(
      () => api.request('GET', `/notifications/${id}`),
      (r) => r.body.status === 'succeeded',
    );
    expect(done.body.temporal).toBeNull();
  });
});

describe('when Temporal cannot be reached', () => {
  it('the inspector answers null within its deadline, so the API answers from the database alone', async () => {
    // A server that accepts connections and never answers: a real client waits for it until its deadline. Without
    // the client's retry interceptor (interceptors: []), nothing of the call outlives the test.
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => void sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const connection = Connection.lazy({ address: `127.0.0.1:${(silent.address() as AddressInfo).port}`, connectTimeout: 300, interceptors: [] });
    try {
      const inspector = new NotificationInspector(new Client({ connection }), 500);
      const started = Date.now();
      expect(await inspector.inspect('ntf_01KBZ7XQ8M3V5J2N4R6T8W0Y1A')).toBeNull();
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await connection.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
