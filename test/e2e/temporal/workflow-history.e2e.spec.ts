import { temporal } from '@temporalio/proto';
import { HttpsReceiver } from '../../support/https-receiver';
import { startTestApp, type TestApp } from '../../support/test-app';
import { publishDelivered } from '../../support/deliveries';
import { summaryOf } from '../../support/workflows';
import { GATED } from '../../../workflows/definitions';

const { EventType } = temporal.api.enums.v1;

/** What an operator reads in the Web UI: the workflow's history, event by event. */
describe("a notification's workflow history", () => {
  let receiver: HttpsReceiver;
  const apps: Record<string, TestApp> = {};

  beforeAll(async () => {
    // /flaky fails twice, then succeeds; everything else succeeds at once.
    receiver = await HttpsReceiver.start((_, request) => (request.path === '/flaky' && receiver.forPath('/flaky').length <= 2 ? 500 : 204));
    const env = { NODE_EXTRA_CA_CERTS: receiver.caFile, RETRY_INITIAL_INTERVAL: '1s' };
    apps.local = await startTestApp(env);
    apps.activity = await startTestApp({ ...env, DELIVERY_FIRST_ATTEMPT: 'activity' });
  });
  afterAll(async () => {
    for (const app of Object.values(apps)) await app.close();
    await receiver?.stop();
  });

  async function deliver(app: TestApp, path: string) {
    const { api } = await app.newEnvironment();
    await api.subscribe(receiver.url(path));
    const { notificationId: id } = await publishDelivered(api, 'history.test', { path });
    const handle = app.client.workflow.getHandle(id);
    await handle.result();
    const history = await handle.fetchHistory();
    return { api, id, events: history.events ?? [] };
  }

  it('a first-try delivery is one workflow task with one local-activity marker: 6 events', async () => {
    const { events } = await deliver(apps.local, '/first-try');
    expect(events.map((e) => e.eventType)).toEqual([
      EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
      EventType.EVENT_TYPE_MARKER_RECORDED,
      EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
    ]);
    expect(summaryOf(events[4])).toBe('attempt 1, inside the first workflow task');
  });

  it('a failed first attempt reads "attempt 1 → HTTP 500", then the retrying activity takes over, numbering on', async () => {
    const { api, id, events } = await deliver(apps.local, '/flaky');
    const marker = events.find((e) => e.eventType === EventType.EVENT_TYPE_MARKER_RECORDED);
    expect(summaryOf(marker!)).toBe('attempt 1, inside the first workflow task');
    expect(marker!.markerRecordedEventAttributes?.failure?.message).toBe('attempt 1 → HTTP 500');
    const timer = events.find((e) => e.eventType === EventType.EVENT_TYPE_TIMER_STARTED);
    // The retrying activity waits for the schedule: RETRY_INITIAL_INTERVAL (1 s) after attempt 1 ended, counted from
    // the workflow task's time, which may be a few ms before that end.
    const wait = timer!.timerStartedEventAttributes!.startToFireTimeout!;
    const waitMs = Number(wait.seconds ?? 0) * 1000 + (wait.nanos ?? 0) / 1e6;
    expect(waitMs).toBeGreaterThan(500);
    expect(waitMs).toBeLessThanOrEqual(1100);
    const scheduled = events.filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
    expect(scheduled).toHaveLength(1);
    expect(summaryOf(scheduled[0])).toMatch(/^attempts with backoff until \d{4}-\d\d-\d\dT/);
    // Its retries add no events: the activity completes once, on its second try (attempt 3 overall).
    const started = events.find((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED);
    expect(started!.activityTaskStartedEventAttributes?.attempt).toBe(2);
    expect(started!.activityTaskStartedEventAttributes?.lastFailure?.message).toBe('attempt 2 → HTTP 500');

    const notification = await api.request('GET', `/notifications/${id}`);
    expect(notification.body.attempts.map((a: { number: number; statusCode: number }) => [a.number, a.statusCode])).toEqual([
      [1, 500],
      [2, 500],
      [3, 204],
    ]);
  });

  it('a local first attempt given a later rate slot hands its wait to the retrying activity at once: no workflow timer', async () => {
    // rateLimit 1: four quick events take slots 1.1 s apart, in whatever order their first attempts reserve them; the
    // one that arrives last had its slot about 3.3 s away, far beyond the 1.6 s an attempt waits for inside itself.
    const { api } = await apps.local.newEnvironment();
    const { body: subscription } = await api.request('PUT', '/webhooks/subscribe', { url: receiver.url('/slot'), rateLimit: 1 });
    expect(subscription.rateLimit).toBe(1);
    for (let i = 0; i < 4; i++) expect((await api.publish('history.test', { path: '/slot', i })).status).toBe(202);
    const arrivals = await receiver.arrived('/slot', 4, { timeoutMs: 20_000 });
    for (let i = 1; i < 4; i++) expect(arrivals[i].at - arrivals[i - 1].at).toBeGreaterThanOrEqual(1000);
    const handle = apps.local.client.workflow.getHandle(arrivals[3].headers['webhook-id']);
    await handle.result();
    const events = (await handle.fetchHistory()).events ?? [];
    const marker = events.find((e) => e.eventType === EventType.EVENT_TYPE_MARKER_RECORDED && summaryOf(e) !== undefined);
    expect(summaryOf(marker!)).toBe('attempt 1, inside the first workflow task');
    expect(marker!.markerRecordedEventAttributes?.failure?.applicationFailureInfo?.type).toBe(GATED);
    expect(events.some((e) => e.eventType === EventType.EVENT_TYPE_TIMER_STARTED)).toBe(false);
    expect(events.filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)).toHaveLength(1);
    // The activity's first try found the slot still ahead, kept it and was sent back (its retry) just before it.
    const started = events.find((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED);
    expect(started!.activityTaskStartedEventAttributes?.attempt).toBe(2);
    expect(started!.activityTaskStartedEventAttributes?.lastFailure?.applicationFailureInfo?.type).toBe(GATED);
  });

  it('DELIVERY_FIRST_ATTEMPT=activity runs every attempt as the regular activity', async () => {
    const { events } = await deliver(apps.activity, '/first-try-activity');
    expect(events.some((e) => e.eventType === EventType.EVENT_TYPE_MARKER_RECORDED)).toBe(false);
    expect(events.filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)).toHaveLength(1);
  });
});
