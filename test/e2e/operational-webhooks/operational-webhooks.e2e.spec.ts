import { Webhook } from 'standardwebhooks';
import { compileEventSchema } from '../../../src/domain/event-schema';
import { OPERATIONAL_EVENT_TYPE_DECLARATIONS } from '../../../src/domain/operational-event-types';
import { OPERATIONS_ENVIRONMENT_ID } from '../../../src/domain/operational-events';
import type { ReceivedRequest } from '../../support/https-receiver';
import { waitFor } from '../../support/wait';
import { useTestApp } from '../../support/test-app';

const WINDOW_MS = 4_500;

interface OperationalBody {
  id: string;
  type: string;
  environment: string;
  data: {
    environment: string;
    subscription: { id: string; url: string };
    notification: { id: string; eventId: string; eventType: string; attemptCount: number; expiresAt: string } | null;
    reason: string;
  };
}

const bodyOf = (request: ReceivedRequest) => JSON.parse(request.body) as OperationalBody;

describe('operational webhooks', () => {
  /** Paths that have answered once: a /busy… path answers its first request 503 with Retry-After: 1, then 204. */
  const answeredOnce = new Set<string>();
  const t = useTestApp({
    responder: (_, request) => {
      if (request.path.startsWith('/busy')) {
        const first = !answeredOnce.has(request.path);
        answeredOnce.add(request.path);
        return first ? { status: 503, headers: { 'retry-after': '1' } } : 204;
      }
      if (request.path.startsWith('/ops-gone') || request.path.startsWith('/gone')) return 410;
      if (request.path.startsWith('/ops-failing') || request.path.startsWith('/down')) return 500;
      return 204;
    },
    // Private targets are refused unless the registration allows them; operational notifications get this short window too.
    env: {
      ALLOW_PRIVATE_TARGETS: 'false',
      DELIVERY_WINDOW: `${WINDOW_MS}ms`,
      DELIVERY_TIMEOUT: '1s',
      RETRY_INITIAL_INTERVAL: '500ms',
      RETRY_MAX_INTERVAL: '1s',
    },
  });

  /** Registers the receiver's `path` as the operational webhook; returns its signing key and subscription ID. */
  const register = async (path: string) => {
    const registered = await t.app.admin.request('PUT', '/admin/operational-webhook', { url: t.receiver.url(path), allowPrivateTargets: true });
    expect(registered.status).toBe(200);
    const [{ id }] = await t.app.db.query<{ id: string }[]>(`SELECT id FROM subscriptions WHERE environment_id = $1 AND deleted_at IS NULL`, [
      OPERATIONS_ENVIRONMENT_ID,
    ]);
    return { key: registered.body.signatureKey as string, subscriptionId: id };
  };

  /** An environment with a subscription to the receiver's `path`, and one event published to it. */
  const publishTo = async (path: string) => {
    const { id: environmentId, api } = await t.app.newEnvironment({ allowPrivateTargets: true });
    const subscribed = await api.subscribe(t.receiver.url(path));
    const published = await api.publish('order.paid', { order: 1 });
    return { environmentId, subscriptionId: subscribed.body.id as string, eventId: published.body.id as string };
  };

  /** The operational notifications `path` receives about `subscriptionId`, of `type`. */
  const operational = (path: string, type: string, subscriptionId: string) =>
    t.receiver.arrived((r) => r.path === path && bodyOf(r).type === type && bodyOf(r).data.subscription.id === subscriptionId);

  const schemaOf = (type: string) => compileEventSchema(OPERATIONAL_EVENT_TYPE_DECLARATIONS.find((d) => d.name === type)?.schema);

  /** Operational events stored about a subscription of the hidden environment (there must be none). */
  const eventsAbout = async (subscriptionId: string) =>
    (
      await t.app.db.query<{ count: number }[]>(`SELECT count(*)::int AS count FROM events WHERE environment_id = $1 AND data->'subscription'->>'id' = $2`, [
        OPERATIONS_ENVIRONMENT_ID,
        subscriptionId,
      ])
    )[0].count;

  afterEach(async () => {
    // The registration is the platform's, shared by every test file on the suite's database: leave none behind.
    await t.app.admin.request('DELETE', '/admin/operational-webhook');
  });

  /** The operational notification about `subscriptionId`. */
  const operationalNotification = async (subscriptionId: string) =>
    (
      await t.app.db.query<{ id: string; subscription_id: string }[]>(
        `SELECT n.id, n.subscription_id FROM notifications n JOIN events e ON e.id = n.event_id
         WHERE e.environment_id = $1 AND e.data->'subscription'->>'id' = $2`,
        [OPERATIONS_ENVIRONMENT_ID, subscriptionId],
      )
    )[0];

  it('registers, shows and deletes the one operational webhook; a bad URL gets a clear 400', async () => {
    const { admin } = t.app;
    await admin.request('DELETE', '/admin/operational-webhook');
    expect((await admin.request('GET', '/admin/operational-webhook')).status).toBe(404);

    const http = await admin.request('PUT', '/admin/operational-webhook', { url: 'http://platform.example/ops' });
    expect(http.status).toBe(400);
    expect(http.body.message).toMatch(/https/);
    expect((await admin.request('PUT', '/admin/operational-webhook', {})).status).toBe(400);
    const notBool = await admin.request('PUT', '/admin/operational-webhook', { url: t.receiver.url('/ops'), allowPrivateTargets: 'yes' });
    expect(notBool.status).toBe(400);
    const privateTarget = await admin.request('PUT', '/admin/operational-webhook', { url: t.receiver.url('/ops') });
    expect(privateTarget.status).toBe(400);
    expect(privateTarget.body.message).toContain('"allowPrivateTargets": true');

    const registered = await admin.request('PUT', '/admin/operational-webhook', { url: t.receiver.url('/ops'), allowPrivateTargets: true });
    expect(registered.status).toBe(200);
    expect(registered.body).toEqual({
      url: t.receiver.url('/ops'),
      signatureKey: expect.stringMatching(/^whsec_/),
      allowPrivateTargets: true,
      status: 'active',
      disabledReason: null,
      createdAt: expect.any(String),
    });
    expect((await admin.request('GET', '/admin/operational-webhook')).body).toEqual(registered.body);
    // A new URL keeps the key, and there is still one registration.
    const moved = await admin.request('PUT', '/admin/operational-webhook', { url: t.receiver.url('/ops-moved'), allowPrivateTargets: true });
    expect(moved.body).toMatchObject({ url: t.receiver.url('/ops-moved'), signatureKey: registered.body.signatureKey });
    const live = await t.app.db.query(`SELECT id FROM subscriptions WHERE environment_id = $1 AND deleted_at IS NULL`, [OPERATIONS_ENVIRONMENT_ID]);
    expect(live).toHaveLength(1);

    // The admin token only; the hidden environment is out of every environment token's reach.
    const { api } = await t.app.newEnvironment();
    expect((await api.request('GET', '/admin/operational-webhook')).status).toBe(401);
    expect((await t.app.admin.request('GET', `/admin/environments/${OPERATIONS_ENVIRONMENT_ID}`)).status).toBe(404);
    expect((await t.app.admin.request('POST', `/admin/environments/${OPERATIONS_ENVIRONMENT_ID}/tokens`)).status).toBe(404);
    // Not even a service token of every environment can name it.
    const everywhere = await t.app.admin.request('POST', '/admin/tokens', { name: 'operations-probe', scopes: ['publish'] });
    expect(everywhere.status).toBe(201);
    const probe = api.as({ token: everywhere.body.token as string, environment: OPERATIONS_ENVIRONMENT_ID });
    expect((await probe.publish('subscription.disabled', {})).status).toBeGreaterThanOrEqual(400);
    expect(
      await t.app.db.query(`SELECT 1 FROM events WHERE environment_id = $1 AND type = 'subscription.disabled' AND data::text = '{}'`, [
        OPERATIONS_ENVIRONMENT_ID,
      ]),
    ).toEqual([]);
    // The types are in the platform catalog.
    const catalog = await api.request('GET', '/webhooks/event-types');
    const names = (catalog.body.items as { name: string }[]).map((item) => item.name);
    for (const { name } of OPERATIONAL_EVENT_TYPE_DECLARATIONS) expect(names).toContain(name);

    expect((await admin.request('DELETE', '/admin/operational-webhook')).status).toBe(204);
    expect((await admin.request('GET', '/admin/operational-webhook')).status).toBe(404);
    expect((await admin.request('DELETE', '/admin/operational-webhook')).status).toBe(404);
  });

  it('a 410 sends subscription.disabled (reason gone) to the operational webhook, signed with its own key', async () => {
    const { key } = await register('/ops');
    const { environmentId, subscriptionId, eventId } = await publishTo('/gone');
    const [request] = await operational('/ops', 'subscription.disabled', subscriptionId);

    const verified = new Webhook(key).verify(request.body, request.headers) as OperationalBody;
    expect(verified).toMatchObject({ type: 'subscription.disabled', environment: OPERATIONS_ENVIRONMENT_ID });
    expect(verified.data).toEqual({
      environment: environmentId,
      subscription: { id: subscriptionId, url: t.receiver.url('/gone') },
      notification: { id: expect.stringMatching(/^ntf_/), eventId, eventType: 'order.paid', attemptCount: 1, expiresAt: expect.any(String) },
      reason: 'gone',
    });
    expect(schemaOf('subscription.disabled')(verified.data)).toEqual([]);
    // Delivered like every notification: its own workflow, its attempt recorded.
    const notificationId = request.headers['webhook-id'];
    expect(await t.app.client.workflow.getHandle(notificationId).result()).toMatchObject({ status: 'succeeded' });
  });

  it('a 503 with Retry-After opens the breaker and the probe’s 2xx closes it: subscription.breaker_opened, then breaker_closed', async () => {
    const { key } = await register('/ops');
    const { environmentId, subscriptionId } = await publishTo('/busy-breaker');
    const [opened] = await operational('/ops', 'subscription.breaker_opened', subscriptionId);
    const [closed] = await operational('/ops', 'subscription.breaker_closed', subscriptionId);

    const webhook = new Webhook(key);
    const openedBody = webhook.verify(opened.body, opened.headers) as OperationalBody & { data: { until: string | null } };
    expect(openedBody.data).toMatchObject({
      environment: environmentId,
      subscription: { id: subscriptionId, url: t.receiver.url('/busy-breaker') },
      notification: { id: expect.stringMatching(/^ntf_/) },
      reason: 'retry_after',
      until: expect.any(String),
    });
    expect(schemaOf('subscription.breaker_opened')(openedBody.data)).toEqual([]);
    const closedBody = webhook.verify(closed.body, closed.headers) as OperationalBody;
    expect(closedBody.data).toMatchObject({ environment: environmentId, subscription: { id: subscriptionId }, notification: null, reason: 'recovered' });
    expect(schemaOf('subscription.breaker_closed')(closedBody.data)).toEqual([]);
    expect(Number(closed.headers['webhook-timestamp'])).toBeGreaterThanOrEqual(Number(opened.headers['webhook-timestamp']));
  });

  it('a notification whose window closed sends notification.expired', async () => {
    const { key } = await register('/ops');
    const { environmentId, subscriptionId, eventId } = await publishTo('/down');
    const [request] = await operational('/ops', 'notification.expired', subscriptionId);

    const verified = new Webhook(key).verify(request.body, request.headers) as OperationalBody;
    expect(verified.data).toMatchObject({ environment: environmentId, reason: 'exhausted', notification: { eventId, eventType: 'order.paid' } });
    const notification = verified.data.notification as NonNullable<OperationalBody['data']['notification']>;
    expect(notification.attemptCount).toBeGreaterThanOrEqual(2);
    expect(schemaOf('notification.expired')(verified.data)).toEqual([]);
    const [row] = await t.app.db.query<{ status: string }[]>(`SELECT status FROM notifications WHERE id = $1`, [notification.id]);
    expect(row.status).toBe('expired');
  });

  it('an operational webhook that answers 410 is disabled, and nothing is raised about it', async () => {
    const { subscriptionId: operationsId } = await register('/ops-gone');
    const { subscriptionId } = await publishTo('/gone');
    await operational('/ops-gone', 'subscription.disabled', subscriptionId);
    const shown = await waitFor(
      () => t.app.admin.request('GET', '/admin/operational-webhook'),
      (r) => r.body.status === 'disabled',
    );
    expect(shown.body.disabledReason).toBe('gone');
    // Its held notification expires at the end of its window, and that raises nothing either.
    const { id } = await operationalNotification(subscriptionId);
    expect(await t.app.client.workflow.getHandle(id).result()).toMatchObject({ status: 'expired' });
    expect(await eventsAbout(operationsId)).toBe(0);
  });

  it('an operational webhook that keeps failing gets its notifications expired, and nothing is raised about it', async () => {
    const { subscriptionId: operationsId } = await register('/ops-failing');
    const { subscriptionId } = await publishTo('/gone');
    await operational('/ops-failing', 'subscription.disabled', subscriptionId);
    const { id, subscription_id } = await operationalNotification(subscriptionId);
    expect(subscription_id).toBe(operationsId);
    expect(await t.app.client.workflow.getHandle(id).result()).toMatchObject({ status: 'expired' });
    expect(await eventsAbout(operationsId)).toBe(0);
  });
});
