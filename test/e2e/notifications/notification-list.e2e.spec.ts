import { NOTIFICATION_STATUSES } from '../../../src/domain/statuses';
import { notificationListQuery, type NotificationListFilter } from '../../../src/persistence/repositories/notification-list';
import type { ApiClient } from '../../support/api-client';
import { publishDelivered } from '../../support/deliveries';
import { waitFor } from '../../support/wait';
import { useTestApp } from '../../support/test-app';

interface Item {
  id: string;
  eventId: string;
  eventType: string;
  subscriptionId: string;
  status: string;
  test: boolean;
}

/** Every item of GET /notifications with `query`, page after page of `limit`. */
async function listAll(api: ApiClient, query: string, limit: number): Promise<Item[]> {
  const items: Item[] = [];
  let after: string | null = null;
  do {
    const page: { status: number; body: { items: Item[]; nextCursor: string | null } } = await api.request(
      'GET',
      `/notifications?limit=${limit}${query}${after === null ? '' : `&after=${after}`}`,
    );
    expect(page.status).toBe(200);
    expect(page.body.items.length).toBeLessThanOrEqual(limit);
    items.push(...page.body.items);
    after = page.body.nextCursor;
  } while (after !== null);
  return items;
}

/** Issue 25: an environment's notifications, newest first, filtered and paged (the portal's Notifications page). */
describe('GET /notifications', () => {
  // /fail-… answers 500: its notifications stay pending, retrying.
  const t = useTestApp({ responder: (_, request) => (request.path.startsWith('/fail') ? 500 : 200) });

  it('lists newest first, filters by status, event type and subscription (alone and together), pages, and never lists another environment’s', async () => {
    const { api } = await t.app.newEnvironment();
    const ok = (await api.subscribe(t.receiver.url('/list-ok'))).body.id as string;
    const failing = (await api.subscribe(t.receiver.url('/fail-list'))).body.id as string;
    const other = await t.app.newEnvironment();
    const otherSubscription = (await other.api.subscribe(t.receiver.url('/list-other'))).body.id as string;
    await publishDelivered(other.api, 'order.paid', { other: true });

    const events: { id: string; type: string }[] = [];
    for (const type of ['order.paid', 'order.shipped', 'order.paid', 'order.refunded']) {
      const published = await api.publish(type, { n: events.length });
      expect(published.status).toBe(202);
      events.push({ id: published.body.id, type });
    }
    // The /list-ok ones succeed; the /fail ones stay pending, but one of them is skipped.
    const all = await waitFor(
      () => listAll(api, '', 100),
      (items) => items.length === 8 && items.filter((i) => i.subscriptionId === ok).every((i) => i.status === 'succeeded'),
      { what: '8 notifications, those to /list-ok succeeded' },
    );
    const toSkip = all.find((i) => i.subscriptionId === failing && i.eventType === 'order.shipped') as Item;
    expect((await api.request('POST', `/notifications/${toSkip.id}/skip`)).status).toBe(200);

    const listed = await listAll(api, '', 100);
    const ids = listed.map((i) => i.id);
    expect(ids).toEqual([...ids].sort().reverse()); // newest first: IDs are time-sortable
    expect(new Set(listed.map((i) => i.eventId))).toEqual(new Set(events.map((e) => e.id)));
    expect(listed.every((i) => i.subscriptionId !== otherSubscription && i.test === false)).toBe(true);
    expect(listed[0]).toMatchObject({ eventType: 'order.refunded', createdAt: expect.any(String), attemptCount: expect.any(Number) });

    const only = async (query: string) => (await listAll(api, query, 100)).map((i) => i.id);
    const where = (keep: (i: Item) => boolean) => listed.filter(keep).map((i) => i.id);
    expect(await only('&status=succeeded')).toEqual(where((i) => i.subscriptionId === ok));
    expect(await only('&status=skipped')).toEqual([toSkip.id]);
    expect(await only('&status=pending')).toEqual(where((i) => i.subscriptionId === failing && i.id !== toSkip.id));
    expect(await only('&status=expired')).toEqual([]);
    expect(await only('&eventType=order.paid')).toEqual(where((i) => i.eventType === 'order.paid'));
    expect(await only('&eventType=order.paid')).toHaveLength(4);
    expect(await only(`&subscriptionId=${failing}`)).toEqual(where((i) => i.subscriptionId === failing));
    expect(await only(`&subscriptionId=${failing}&status=pending&eventType=order.paid`)).toEqual(
      where((i) => i.subscriptionId === failing && i.eventType === 'order.paid'),
    );
    expect(await only('&status=succeeded&eventType=order.shipped')).toEqual(where((i) => i.subscriptionId === ok && i.eventType === 'order.shipped'));
    // Another environment's subscription (or event type) filters nothing of it in: it is simply not this environment's.
    expect(await only(`&subscriptionId=${otherSubscription}`)).toEqual([]);
    expect((await listAll(other.api, '', 100)).map((i) => i.subscriptionId)).toEqual([otherSubscription]);

    // Pages of 3 give the same list, and the default page holds all 8 with no cursor.
    expect((await listAll(api, '', 3)).map((i) => i.id)).toEqual(ids);
    const first = await api.request('GET', '/notifications?limit=3');
    expect(first.body.nextCursor).toBe(ids[2]);
    const whole = await api.request('GET', '/notifications');
    expect(whole.body.items).toHaveLength(8);
    expect(whole.body.nextCursor).toBeNull();
  });

  it.each([
    ['status=nope', /status must be one of pending, succeeded, expired, cancelled, skipped/],
    ['status=pending&status=succeeded', /status must be one of/],
    ['eventType=no%20spaces', /eventType: event types are 1-128 characters/],
    ['subscriptionId=ntf_01KBZ7XQ8M3V5J2N4R6T8W0Y1A', /subscriptionId must be a subscription ID/],
    ['after=sub_01KBZ7XQ8M3V5J2N4R6T8W0Y1A', /after must be a notification ID/],
    ['limit=0', /limit must be an integer from 1 to 100/],
    ['limit=101', /limit must be an integer from 1 to 100/],
    ['order=asc', /property order should not exist/],
  ])('a bad filter or page (%s) is a 400 that says what is wrong', async (query, message) => {
    const { api } = await t.app.newEnvironment();
    const answer = await api.request('GET', `/notifications?${query}`);
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(message);
  });

  it('a token with either scope may list (as it may read a notification)', async () => {
    for (const scope of ['publish', 'subscriptions'] as const) {
      const env = await t.app.newEnvironment({ scopes: [scope] });
      expect((await env.api.request('GET', '/notifications')).status).toBe(200);
    }
  });
});

type PlanNode = { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; Plans?: PlanNode[] };
const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

/** The list answers from an index whatever its filters, at 10,000 notifications in one environment. */
describe('GET /notifications’s query plans', () => {
  const t = useTestApp();
  const ROWS = 12_000;

  it.each([[false], [true]])('every combination of filters reads notifications by index, never a sequential scan (with a cursor: %s)', async (withCursor) => {
    const { id: environmentId, api } = await t.app.newEnvironment();
    const subscriptions: string[] = [];
    for (let n = 0; n < 5; n++) subscriptions.push((await api.subscribe(t.receiver.url(`/plans-${n}`))).body.id);
    // Stored as ended and dispatched long ago: nothing for the outbox or a workflow to do.
    await t.app.db.query(
      `WITH e AS (
         INSERT INTO events (id, environment_id, type, data, created_at)
         SELECT plude_new_id('evt'), $1, 'plan.type' || (g % 10), '{}'::json, now() - make_interval(secs => g) FROM generate_series(1, $3::int) g
         RETURNING id, type, created_at
       )
       INSERT INTO notifications (id, event_id, event_type, subscription_id, environment_id, url, status, attempt_count, created_at, completed_at,
                                  dispatched_at, expires_at, retry_initial_interval_ms, retry_maximum_interval_ms, retry_backoff_coefficient, attempt_timeout_ms)
       SELECT plude_new_id('ntf'), e.id, e.type, ($2::text[])[1 + abs(hashtext(e.id)) % 5], $1, 'https://receiver.example/', 
              CASE WHEN random() < 0.9 THEN 'succeeded' WHEN random() < 0.5 THEN 'expired' ELSE 'cancelled' END, 1, e.created_at, e.created_at,
              e.created_at, e.created_at + interval '72 hours', 5000, 3600000, 2, 10000
       FROM e`,
      [environmentId, subscriptions, ROWS],
    );
    await t.app.db.query('ANALYZE notifications');
    await t.app.db.query('ANALYZE events');
    const [{ middle }] = await t.app.db.query<{ middle: string }[]>(
      `SELECT id AS middle FROM notifications WHERE environment_id = $1 ORDER BY id OFFSET $2 LIMIT 1`,
      [environmentId, ROWS / 2],
    );

    const values: NotificationListFilter = { status: 'expired', eventType: 'plan.type3', subscriptionId: subscriptions[2] };
    const keys = Object.keys(values) as (keyof NotificationListFilter)[];
    const combinations = Array.from({ length: 2 ** keys.length }, (_, mask) =>
      Object.fromEntries(keys.filter((_, bit) => mask & (1 << bit)).map((key) => [key, values[key]])),
    );
    for (const filter of combinations) {
      const [sql, parameters] = notificationListQuery(t.app.db, environmentId, filter, 51, withCursor ? middle : undefined).getQueryAndParameters();
      const [{ 'QUERY PLAN': plan }] = await t.app.db.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(`EXPLAIN (FORMAT JSON) ${sql}`, parameters);
      const nodes = nodesOf(plan[0].Plan);
      const shown = `${JSON.stringify(filter)}: ${nodes.map((n) => `${n['Node Type']}${n['Index Name'] ? ` ${n['Index Name']}` : ''}`).join(' > ')}`;
      expect({ shown, seqScans: nodes.filter((n) => n['Node Type'] === 'Seq Scan').length }).toEqual({ shown, seqScans: 0 });
      const scans = nodes.filter((n) => n['Relation Name'] === 'notifications' || n['Index Name']?.startsWith('notifications_'));
      expect({ shown, indexed: scans.length > 0 && scans.every((n) => /Index/.test(n['Node Type']) || n['Node Type'] === 'Bitmap Heap Scan') }).toEqual({
        shown,
        indexed: true,
      });
      if (process.env.SHOW_PLANS) process.stderr.write(`${shown}\n`);
    }
    expect(NOTIFICATION_STATUSES).toContain(values.status);
  });
});
