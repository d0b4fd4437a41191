import { WorkflowNotFoundError } from '@temporalio/client';
import { deliveredEvent } from '../../support/deliveries';
import { useTestApp } from '../../support/test-app';
import { waitFor } from '../../support/wait';

interface AttemptView {
  url: string;
  startedAt: string;
  succeeded: boolean;
  statusCode: number | null;
}

/** Issue 19: a change of URL and a delete reach the notifications already made, at once. */
describe('subscription changes that take effect at once', () => {
  const t = useTestApp({
    responder: (_, request) => {
      if (request.path.startsWith('/broken')) return 500;
      // Failing slowly: the race's notifications keep retrying, and an attempt is often in flight when the delete comes.
      if (request.path.startsWith('/race')) return { status: 500, delayMs: 100 };
      return 204;
    },
  });

  it('a notification retrying against a failing URL succeeds on its next attempt once the URL is changed, and its attempts record both URLs', async () => {
    const { api } = await t.app.newEnvironment();
    const broken = t.receiver.url('/broken-url');
    const working = t.receiver.url('/working-url');
    const { body } = await api.subscribe(broken);
    const published = await api.publish('order.paid', { n: 1 });
    await t.receiver.arrived('/broken-url', 2);

    const changed = await api.request('PATCH', `/webhooks/subscriptions/${body.id}`, { url: working });
    const changedAt = Date.now();
    expect(changed.status).toBe(200);
    const event = await deliveredEvent(api, published.body.id);

    const notification = await api.request('GET', `/notifications/${event.body.notifications[0].id}`);
    const attempts = notification.body.attempts as AttemptView[];
    const last = attempts[attempts.length - 1];
    expect(last).toMatchObject({ url: working, succeeded: true, statusCode: 204 });
    const before = attempts.slice(0, -1);
    expect(before.length).toBeGreaterThanOrEqual(2);
    expect(before.every((a) => a.url === broken && !a.succeeded)).toBe(true);
    expect(attempts.filter((a) => Date.parse(a.startedAt) > changedAt).every((a) => a.url === working)).toBe(true);
    // The first attempt at the new URL succeeded: it is the only request that URL got.
    expect(t.receiver.forPath('/working-url')).toHaveLength(1);
    expect(t.receiver.forPath('/broken-url')).toHaveLength(before.length);
  });

  it('publishes racing a delete leave no pending notification, and no POST arrives after the delete’s answer', async () => {
    const { api } = await t.app.newEnvironment();
    const { body } = await api.subscribe(t.receiver.url('/race'));
    const published: { id: string; startedAt: number; notifications: number }[] = [];
    let deleteAnsweredAt: number | null = null;
    let afterDelete = 0;

    // Four publishers in a loop, from before the delete until each has published five events after its answer.
    const publisher = async () => {
      let mineAfterDelete = 0;
      while (mineAfterDelete < 5 && published.length < 400) {
        const startedAt = Date.now();
        const answer = await api.publish('order.paid', { n: published.length });
        expect(answer.status).toBe(202);
        published.push({ id: answer.body.id, startedAt, notifications: answer.body.notifications });
        if (deleteAnsweredAt !== null && startedAt > deleteAnsweredAt) {
          mineAfterDelete++;
          afterDelete++;
        }
      }
    };
    const publishers = Promise.all([publisher(), publisher(), publisher(), publisher()]);
    // Before the delete: more than 20 events answered (each has its notification) and attempts under way. Not 20
    // arrivals: after 10 failures in a row the subscription's breaker holds its notifications back.
    await waitFor(
      async () => ({ events: published.length, arrived: t.receiver.forPath('/race').length }),
      ({ events, arrived }) => events > 20 && arrived >= 5,
      { what: 'more than 20 events published and 5 attempts arrived before the delete' },
    );
    const deleted = await api.request('DELETE', `/webhooks/subscriptions/${body.id}`);
    deleteAnsweredAt = Date.now();
    expect(deleted.status).toBe(204);
    await publishers;
    expect(afterDelete).toBe(20);

    // Every notification the events got is cancelled (none pending, none delivered: the receiver fails them all), and
    // an event published after the delete's answer got none.
    const notificationIds: string[] = [];
    for (const event of published) {
      const got = await api.request('GET', `/events/${event.id}`);
      const statuses = (got.body.notifications as { id: string; status: string }[]).map((n) => n.status);
      expect([event.id, statuses]).toEqual([event.id, statuses.map(() => 'cancelled')]);
      if (event.startedAt > deleteAnsweredAt) expect([event.id, statuses]).toEqual([event.id, []]);
      notificationIds.push(...(got.body.notifications as { id: string }[]).map((n) => n.id));
    }
    expect(notificationIds.length).toBeGreaterThan(20);

    // Once every one of their workflows has closed, nothing can POST any more: then count what arrived late.
    let running = notificationIds;
    await waitFor(
      async () => {
        const stillRunning: string[] = [];
        for (const id of running) {
          const status = await t.app.client.workflow
            .getHandle(id)
            .describe()
            .then(
              (d) => d.status.name,
              (err: unknown) => {
                if (err instanceof WorkflowNotFoundError) return 'NOT_FOUND';
                throw err;
              },
            );
          if (status === 'RUNNING' || status === 'NOT_FOUND') stillRunning.push(id);
        }
        running = stillRunning;
        return running;
      },
      (left) => left.length === 0,
      { what: 'every workflow of the raced notifications closed' },
    );
    const late = t.receiver.forPath('/race').filter((r) => r.at > deleteAnsweredAt);
    expect(late.map((r) => ({ at: r.at - deleteAnsweredAt, id: r.headers['webhook-id'] }))).toEqual([]);
  });
});
