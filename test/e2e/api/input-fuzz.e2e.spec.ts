import { asBody } from '../../support/api-client';
import fc from 'fast-check';
import {
  accepts,
  type Credentials,
  declarationBodies,
  environmentBodies,
  eventBodies,
  eventData,
  eventTypeNames,
  headers,
  pathIds,
  recoverBodies,
  subscribeBodies,
} from '../../support/input-arbitraries';
import { EVENT_TYPE } from '../../../src/domain/event-type';
import { typePrefix } from '../../support/catalog';
import { ADMIN_TOKEN, useTestApp } from '../../support/test-app';
import { publishDelivered } from '../../support/deliveries';

/**
 * Property: whatever arrives (any body, content type or header), the API answers below 500, and every 4xx carries
 * a message. Publishing goes to environments without subscriptions and subscribing to environments that never get
 * an event (the "other" credentials too, which a request may mix with the right ones), so that accepted input
 * starts no deliveries. Event types are declared in the platform's catalog with the admin token, under a prefix of
 * this file's own (test/support/catalog.ts), and their events published in an environment of their own, so that no
 * other publishing (this file's or another's) meets their schemas; recoveries recover the one subscription, whose one notification
 * succeeded, so they redeliver nothing.
 */
describe('hostile input never gets a 5xx (property-based)', () => {
  // RATE_LIMIT off: hundreds of requests a second with each token would meet the limit's 429 instead of the checks.
  const t = useTestApp({ env: { RATE_LIMIT: 'off' } });
  let publisher: Credentials;
  let otherPublisher: Credentials;
  let subscriber: Credentials;
  let otherSubscriber: Credentials;
  let cataloguer: Credentials;
  let admin: Credentials;
  /** The admin token, with the cataloguer's environment: it declares the types the cataloguer then publishes. */
  let catalogAdmin: Credentials;
  const prefix = typePrefix();
  const known = { event: '', notification: '', environment: '', subscription: '', recovery: '' };
  /** The statuses each route answered: the generators must reach past the first checks to be worth anything. */
  const seen = new Map<string, Set<number>>();

  beforeAll(async () => {
    const credentials = async () => {
      const { id, token, api } = await t.app.newEnvironment();
      return { token, environment: id, api };
    };
    /** A service token of a fresh environment, with publish and catalog: what declares event types. */
    const catalogCredentials = async () => {
      const environment = await t.app.newEnvironment();
      const api = await environment.service();
      return { token: api.auth.token as string, environment: environment.id, api };
    };
    const [publishing, subscribing] = [await credentials(), await credentials()];
    [publisher, subscriber, otherPublisher, otherSubscriber, cataloguer] = [
      publishing,
      subscribing,
      await credentials(),
      await credentials(),
      await catalogCredentials(),
    ];
    admin = { token: ADMIN_TOKEN, environment: '' };
    catalogAdmin = { token: ADMIN_TOKEN, environment: cataloguer.environment };
    // One delivered notification and one recovery, so that the GET routes also see IDs that exist.
    const { body: subscription } = await subscribing.api.subscribe(t.receiver.url('/fuzz'));
    const { published, event } = await publishDelivered(subscribing.api, 'fuzz.seed', { n: 1 });
    const recovery = await subscribing.api.request('POST', `/webhooks/subscriptions/${subscription.id}/recover`, {
      since: '2000-01-01T00:00:00Z',
      until: '2000-01-02T00:00:00Z',
    });
    Object.assign(known, {
      event: published.body.id,
      notification: event.body.notifications[0].id,
      environment: publishing.environment,
      subscription: subscription.id,
      recovery: recovery.body.id,
    });
  });

  /** A fuzzed name that could be declared gets this file's prefix; one that cannot is sent as it is, to be refused. */
  function ownName(name: string): string {
    let decoded: string;
    try {
      decoded = decodeURIComponent(name);
    } catch {
      return name;
    }
    return EVENT_TYPE.test(decoded) ? `${prefix}.${name}` : name;
  }

  /** The declaring request's headers, with the cataloguer's API token where the admin token was: it publishes the types declared. */
  const publishing = (h: Record<string, string | undefined>) => ({
    ...h,
    authorization: h.authorization === `Bearer ${ADMIN_TOKEN}` ? `Bearer ${cataloguer.token}` : h.authorization,
  });

  async function send(method: string, path: string, headerValues: Record<string, string | undefined>, body?: string | Uint8Array) {
    const defined = Object.fromEntries(Object.entries(headerValues).filter((entry): entry is [string, string] => entry[1] !== undefined));
    const response = await fetch(`${t.app.api.url}${path}`, { method, headers: defined, body: asBody(body) });
    const text = await response.text();
    const context = `${method} ${path} ${JSON.stringify(defined)} body=${JSON.stringify(typeof body === 'string' ? body.slice(0, 200) : body)}`;
    if (response.status >= 500) throw new Error(`answered ${response.status} ${text} to ${context}`);
    if (response.status >= 400) {
      const message = (JSON.parse(text) as { message?: unknown }).message;
      if (typeof message !== 'string' || message.trim() === '') throw new Error(`answered ${response.status} without a message (${text}) to ${context}`);
    }
    const route = `${method} ${path.split('/')[1]}`;
    seen.set(route, (seen.get(route) ?? new Set()).add(response.status));
    return response.status;
  }

  it('PUT /webhooks/subscribe', async () => {
    await fc.assert(
      fc.asyncProperty(headers(subscriber, otherSubscriber), subscribeBodies, async (h, body) => {
        await send('PUT', '/webhooks/subscribe', h, body);
      }),
      { numRuns: 70 },
    );
    expect([...(seen.get('PUT webhooks') ?? [])]).toEqual(expect.arrayContaining([200, 400, 415]));
  });

  it('POST /events', async () => {
    await fc.assert(
      fc.asyncProperty(headers(publisher, otherPublisher), eventBodies, async (h, body) => {
        await send('POST', '/events', h, body);
      }),
      { numRuns: 150 },
    );
    expect([...(seen.get('POST events') ?? [])]).toEqual(expect.arrayContaining([202, 400, 401, 403, 415]));
  });

  it.each([
    ['/events/:id', () => pathIds(known.event, known.notification).map((id) => `/events/${id}`)],
    ['/notifications/:id', () => pathIds(known.notification, known.event).map((id) => `/notifications/${id}`)],
    ['/notifications/:id/attempts', () => pathIds(known.notification).map((id) => `/notifications/${id}/attempts`)],
    ['/recoveries/:id', () => pathIds(known.recovery, known.subscription).map((id) => `/recoveries/${id}`)],
  ])('GET %s', async (_, paths) => {
    await fc.assert(
      fc.asyncProperty(headers(subscriber, publisher), paths(), async (h, path) => {
        await send('GET', path, h);
      }),
      { numRuns: 30 },
    );
  });

  it('PUT and DELETE /event-types/:name, and publishing the types declared', async () => {
    await fc.assert(
      fc.asyncProperty(
        headers(catalogAdmin, cataloguer),
        eventTypeNames.map(ownName),
        declarationBodies,
        eventData,
        fc.boolean(),
        async (h, name, body, data, archive) => {
          await send('PUT', `/event-types/${name}`, h, body);
          await send('POST', '/events', publishing(h), JSON.stringify({ type: decodeURIComponent(name), data }));
          if (archive) await send('DELETE', `/event-types/${name}`, h);
        },
      ),
      { numRuns: 150 },
    );
    expect([...(seen.get('PUT event-types') ?? [])]).toEqual(expect.arrayContaining([200, 400, 422]));
  });

  it('GET /webhooks/event-types, as JSON or as a page', async () => {
    await fc.assert(
      fc.asyncProperty(headers(cataloguer, otherPublisher), accepts, async (h, accept) => {
        await send('GET', '/webhooks/event-types', { ...h, accept });
      }),
      { numRuns: 30 },
    );
    expect([...(seen.get('GET webhooks') ?? [])]).toContain(200);
  });

  it('POST /webhooks/subscriptions/:id/recover', async () => {
    const ids = fc.oneof({ weight: 2, arbitrary: fc.constant(known.subscription) }, pathIds(known.subscription, 'sub_00000000000000000000000000'));
    await fc.assert(
      fc.asyncProperty(headers(subscriber, otherSubscriber), ids, recoverBodies, async (h, id, body) => {
        await send('POST', `/webhooks/subscriptions/${id}/recover`, h, body);
      }),
      { numRuns: 120 },
    );
    expect([...(seen.get('POST webhooks') ?? [])]).toEqual(expect.arrayContaining([202, 400, 404]));
  });

  it('POST /admin/environments', async () => {
    await fc.assert(
      fc.asyncProperty(headers(admin, subscriber), environmentBodies, async (h, body) => {
        await send('POST', '/admin/environments', h, body);
      }),
      { numRuns: 50 },
    );
  });

  it('GET and PATCH /admin/environments/:id', async () => {
    await fc.assert(
      fc.asyncProperty(headers(admin, subscriber), pathIds(known.environment), fc.option(environmentBodies), async (h, id, body) => {
        await send('GET', `/admin/environments/${id}`, h);
        await send('PATCH', `/admin/environments/${id}`, h, body ?? undefined);
      }),
      { numRuns: 80 },
    );
    expect([...(seen.get('GET admin') ?? [])]).toEqual(expect.arrayContaining([200, 404]));
    expect([...(seen.get('PATCH admin') ?? [])]).toEqual(expect.arrayContaining([400, 404]));
  });

  it('POST /admin/environments/:id/tokens', async () => {
    await fc.assert(
      fc.asyncProperty(headers(admin, subscriber), pathIds(known.environment), fc.option(environmentBodies), async (h, id, body) => {
        await send('POST', `/admin/environments/${id}/tokens`, h, body ?? undefined);
      }),
      { numRuns: 40 },
    );
  });

  it('publishing with the credentials the fuzzing uses starts no delivery: no notification stored, none received', async () => {
    // Its own publishing (the tests above publish the same way), so that it holds run alone too.
    await fc.assert(
      fc.asyncProperty(headers(publisher, otherPublisher), eventBodies, async (h, body) => {
        await send('POST', '/events', h, body);
      }),
      { numRuns: 40 },
    );
    await fc.assert(
      fc.asyncProperty(headers(catalogAdmin, cataloguer), eventTypeNames.map(ownName), declarationBodies, eventData, async (h, name, body, data) => {
        await send('PUT', `/event-types/${name}`, h, body);
        await send('POST', '/events', publishing(h), JSON.stringify({ type: decodeURIComponent(name), data }));
      }),
      { numRuns: 40 },
    );
    expect([...(seen.get('POST events') ?? [])]).toContain(202); // some were accepted: the check below means something
    // A delivery starts from a stored notification: the seed's is the only one in the fuzzed environments.
    const environments = [publisher, otherPublisher, subscriber, otherSubscriber, cataloguer].map((c) => c.environment);
    const notifications = await t.app.db.query<{ id: string }[]>(
      `SELECT n.id FROM notifications n JOIN events e ON e.id = n.event_id WHERE e.environment_id = ANY ($1)`,
      [environments],
    );
    expect(notifications.map((n) => n.id)).toEqual([known.notification]);
    expect(t.receiver.requests.map((request) => request.path)).toEqual(['/fuzz']);
  });
});
