/**
 * Answers of the real API, as its DTOs write them, for the command layer's unit tests (a StubApi answers with
 * them). test/e2e's OpenAPI test checks every one against the document the app serves, so a route that changes
 * its answer fails there, not silently here.
 */
export const SUBSCRIPTION_ID = 'sub_01KAAAAAAAAAAAAAAAAAAAAAAA';
export const RECOVERY_ID = 'rcv_01KBBBBBBBBBBBBBBBBBBBBBBB';
export const NOTIFICATION_ID = 'ntf_01KCCCCCCCCCCCCCCCCCCCCCCC';

/** POST /notifications/:id/redeliver, 202. */
export const redeliveryAccepted = (id = NOTIFICATION_ID) => ({
  id,
  status: 'pending',
  expiresAt: '2025-12-04T09:00:00.000Z',
  policy: { initialIntervalMs: 5_000, maximumIntervalMs: 3_600_000, backoffCoefficient: 2, attemptTimeoutMs: 30_000 },
});

/** POST /webhooks/subscriptions/:id/recover, 202. */
export const recoveryStarted = (notifications: number, id = RECOVERY_ID) => ({ id, notifications });

/** GET /recoveries/:id, 200: a recovery of `total` notifications, so far. */
export const recoveryView = (
  progress: { status: 'running' | 'completed' | 'failed'; total: number; started: number; succeeded: number; expired: number },
  id = RECOVERY_ID,
) => ({
  id,
  subscriptionId: SUBSCRIPTION_ID,
  since: '2025-12-01T09:00:00.000Z',
  until: '2025-12-01T10:00:00.000Z',
  ...progress,
  pending: progress.started - progress.succeeded - progress.expired,
  createdAt: '2025-12-01T10:00:01.000Z',
  completedAt: progress.status === 'running' ? null : '2025-12-01T10:00:09.000Z',
});

/** An event type, as PUT /event-types/:name (200) and GET /webhooks/event-types's items answer it. */
export const eventTypeView = (name: string, description: string, schema: object | null = null, example: object | null = null) => ({
  name,
  description,
  schema,
  example,
  archived: false,
  createdAt: '2025-12-01T09:00:00.000Z',
  updatedAt: '2025-12-01T09:00:00.000Z',
});

/** GET /webhooks/event-types, 200. */
export const eventTypeList = (...items: ReturnType<typeof eventTypeView>[]) => ({ items });

/** GET /notifications, 200: a page of these notifications (a next page after the last when `more`). */
export const notificationListPage = (items: { id: string; status: string; eventType: string; test?: boolean }[], more = false) => ({
  items: items.map((item) => ({
    eventId: 'evt_01KDDDDDDDDDDDDDDDDDDDDDDD',
    subscriptionId: SUBSCRIPTION_ID,
    attemptCount: 1,
    createdAt: '2025-12-01T09:00:00.000Z',
    lastAttemptAt: '2025-12-01T09:00:00.100Z',
    completedAt: item.status === 'pending' ? null : '2025-12-01T09:00:00.100Z',
    test: false,
    ...item,
  })),
  nextCursor: more ? items[items.length - 1].id : null,
});

/** POST /webhooks/subscriptions/:id/test, 202. */
export const testEventSent = (type: string) => ({
  eventId: 'evt_01KDDDDDDDDDDDDDDDDDDDDDDD',
  notificationId: NOTIFICATION_ID,
  subscriptionId: SUBSCRIPTION_ID,
  type,
  createdAt: '2025-12-01T09:00:00.000Z',
  test: true,
});

/** Every answer above with the route and status it stands for: what the OpenAPI test checks. */
export const stubbedAnswers = (): { method: string; template: string; status: number; body: unknown }[] => [
  { method: 'POST', template: '/notifications/{id}/redeliver', status: 202, body: redeliveryAccepted() },
  { method: 'POST', template: '/webhooks/subscriptions/{id}/recover', status: 202, body: recoveryStarted(4) },
  { method: 'GET', template: '/recoveries/{id}', status: 200, body: recoveryView({ status: 'running', total: 4, started: 2, succeeded: 1, expired: 0 }) },
  { method: 'GET', template: '/recoveries/{id}', status: 200, body: recoveryView({ status: 'completed', total: 4, started: 4, succeeded: 3, expired: 1 }) },
  { method: 'PUT', template: '/event-types/{name}', status: 200, body: eventTypeView('invoice.paid', 'Paid', { type: 'object' }, { amount: 42 }) },
  { method: 'GET', template: '/webhooks/event-types', status: 200, body: eventTypeList(eventTypeView('invoice.paid', 'An invoice was paid')) },
  {
    method: 'GET',
    template: '/notifications',
    status: 200,
    body: notificationListPage([{ id: NOTIFICATION_ID, status: 'succeeded', eventType: 'invoice.paid', test: true }], true),
  },
  { method: 'POST', template: '/webhooks/subscriptions/{id}/test', status: 202, body: testEventSent('invoice.paid') },
];
