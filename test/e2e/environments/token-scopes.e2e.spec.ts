import { ownTypes, typePrefix } from '../../support/catalog';
import { hashToken } from '../../../src/auth/api-token';
import { newId } from '../../../src/domain/ids';
import { ApiClient } from '../../support/api-client';
import { deliveredEvent } from '../../support/deliveries';
import { environmentClient, issueServiceToken, issueToken } from '../../support/environments';
import { useTestApp } from '../../support/test-app';

/** Issue 19: who may do what. Integrator tokens subscribe, service tokens publish and declare event types. */
describe('token scopes', () => {
  const t = useTestApp();
  const admin = () => t.app.admin;

  /** A 403 whose message names `scope` (and the route). */
  const refusedFor = (scope: string) => ({ status: 403, error: 'forbidden', message: expect.stringContaining(`lacks the ${scope} scope, which`) });
  const answer = (response: { status: number; body?: { error?: string; message?: string } }) => ({
    status: response.status,
    error: response.body?.error,
    message: response.body?.message,
  });

  /** An environment whose subscription takes everything, and a service token for it alone that publishes. */
  async function subscribedEnvironment(path: string) {
    const environment = await t.app.newEnvironment();
    const subscribed = await environment.api.subscribe(t.receiver.url(path));
    expect(subscribed.status).toBe(200);
    return { ...environment, subscription: subscribed.body as { id: string; signatureKey: string }, service: await environment.service() };
  }

  describe('environment tokens: POST /admin/environments/:id/tokens', () => {
    it('issues the integrator’s token by default: it subscribes and reads, and may neither publish nor declare (403 naming the scope)', async () => {
      const { id, subscription, service } = await subscribedEnvironment('/integrator');
      const issued = await issueToken(admin(), id, null); // no body: the API's default
      expect((await admin().request('GET', `/admin/environments/${id}/tokens`)).body.at(-1)).toMatchObject({ id: issued.id, scopes: ['subscriptions'] });
      const integrator = issued.api;

      const published = await service.publish('scope.checked', { n: 1 });
      expect(published.status).toBe(202);
      const event = await deliveredEvent(integrator, published.body.id);
      const notification = event.body.notifications[0].id as string;
      expect((await integrator.request('GET', `/notifications/${notification}`)).status).toBe(200);
      expect((await integrator.request('GET', `/notifications/${notification}/attempts`)).status).toBe(200);
      expect((await integrator.request('POST', `/notifications/${notification}/redeliver`)).status).toBe(202);
      expect((await integrator.subscribe(t.receiver.url('/integrator-2'))).status).toBe(200);
      expect((await integrator.request('GET', '/webhooks/subscriptions')).status).toBe(200);
      expect((await integrator.request('PATCH', `/webhooks/subscriptions/${subscription.id}`, { status: 'paused' })).status).toBe(200);
      expect((await integrator.request('POST', `/webhooks/subscriptions/${subscription.id}/rotate-key`, { overlap: '0s' })).status).toBe(200);
      const recovery = await integrator.request('POST', `/webhooks/subscriptions/${subscription.id}/recover`, { since: '2020-01-01T00:00:00Z' });
      expect(recovery.status).toBe(202);
      expect((await integrator.request('GET', `/recoveries/${recovery.body.id}`)).status).toBe(200);
      expect((await integrator.request('GET', '/webhooks/event-types')).status).toBe(200);

      expect(answer(await integrator.publish('scope.checked', { n: 2 }))).toEqual(refusedFor('publish'));
      expect((await integrator.publish('scope.checked', { n: 2 })).body.message).toBe(
        'this API token lacks the publish scope, which POST /events requires (it holds: subscriptions)',
      );
      expect(answer(await integrator.request('PUT', '/event-types/scope.checked', { description: 'x' }))).toEqual(refusedFor('catalog'));
      expect(answer(await integrator.request('DELETE', '/event-types/scope.checked'))).toEqual(refusedFor('catalog'));
      expect(await t.app.db.query(`SELECT count(*)::int AS n FROM events WHERE environment_id = $1`, [id])).toEqual([{ n: 1 }]);
    });

    it('issues a token that only publishes: it reads events and notifications, and may not subscribe nor manage (403 naming subscriptions)', async () => {
      const { id, subscription } = await subscribedEnvironment('/publisher');
      const response = await admin().request('POST', `/admin/environments/${id}/tokens`, { scopes: ['publish'] });
      expect([response.status, response.body.scopes]).toEqual([201, ['publish']]);
      const publisher = environmentClient(t.app.api.url, id, response.body.token);

      const published = await publisher.publish('scope.published', { n: 1 });
      expect(published.status).toBe(202);
      const event = await deliveredEvent(publisher, published.body.id);
      const notification = event.body.notifications[0].id as string;
      expect((await publisher.request('GET', `/notifications/${notification}`)).status).toBe(200);
      expect((await publisher.request('GET', `/notifications/${notification}/attempts`)).status).toBe(200);
      expect((await publisher.request('GET', '/webhooks/event-types')).status).toBe(200);

      for (const [method, path, body] of [
        ['PUT', '/webhooks/subscribe', { url: t.receiver.url('/publisher-2') }],
        ['GET', '/webhooks/subscriptions', undefined],
        ['GET', `/webhooks/subscriptions/${subscription.id}`, undefined],
        ['PATCH', `/webhooks/subscriptions/${subscription.id}`, { status: 'paused' }],
        ['DELETE', `/webhooks/subscriptions/${subscription.id}`, undefined],
        ['POST', `/webhooks/subscriptions/${subscription.id}/rotate-key`, {}],
        ['POST', `/webhooks/subscriptions/${subscription.id}/recover`, { since: '2020-01-01T00:00:00Z' }],
        ['GET', `/recoveries/${newId('rcv')}`, undefined],
        ['POST', `/notifications/${notification}/redeliver`, undefined],
      ] as const) {
        expect([method, path, answer(await publisher.request(method, path, body))]).toEqual([method, path, refusedFor('subscriptions')]);
      }
      expect(answer(await publisher.request('PUT', '/event-types/scope.published', { description: 'x' }))).toEqual(refusedFor('catalog'));
      const [row] = await t.app.db.query(`SELECT status, deleted_at FROM subscriptions WHERE id = $1`, [subscription.id]);
      expect(row).toEqual({ status: 'active', deleted_at: null });
    });

    it('refuses catalog, unknown scopes and an empty list (400), and takes both environment scopes', async () => {
      const { id } = await t.app.newEnvironment();
      const issue = (body: unknown) => admin().request('POST', `/admin/environments/${id}/tokens`, body);
      const catalog = await issue({ scopes: ['subscriptions', 'catalog'] });
      expect([catalog.status, catalog.body.message]).toEqual([400, expect.stringMatching(/an environment token cannot hold catalog.*POST \/admin\/tokens/)]);
      expect((await issue({ scopes: ['everything'] })).body.message).toMatch(/unknown scope "everything"/);
      expect((await issue({ scopes: [] })).status).toBe(400);
      expect((await issue({ scopes: 'publish' })).status).toBe(400);
      expect((await issue({ scopes: ['publish'], extra: 1 })).status).toBe(400);
      expect((await issue({ scopes: ['publish', 'subscriptions', 'publish'] })).body.scopes).toEqual(['subscriptions', 'publish']);
      expect((await admin().request('GET', `/admin/environments/${id}/tokens`)).body).toHaveLength(2);
    });
  });

  describe('service tokens: POST, GET and DELETE /admin/tokens', () => {
    it('publishes and declares event types in the environments it lists, never elsewhere (403), and never subscribes', async () => {
      const a = await subscribedEnvironment('/service-a');
      const b = await t.app.newEnvironment();
      const outside = await t.app.newEnvironment();
      const issued = await issueServiceToken(admin(), { name: 'billing', scopes: ['publish', 'catalog'], environments: [a.id, b.id, a.id] });
      expect(issued.environments).toEqual([a.id, b.id]);
      const inA = environmentClient(t.app.api.url, a.id, issued.token);
      const inB = environmentClient(t.app.api.url, b.id, issued.token);

      expect((await inA.request('PUT', '/event-types/service.declared', { description: 'Declared by a service' })).status).toBe(200);
      expect((await inB.request('PUT', '/event-types/service.declared', { description: 'Declared by a service' })).status).toBe(200);
      const published = await inA.publish('service.declared', { n: 1 });
      expect([published.status, published.body.notifications]).toEqual([202, 1]);
      expect((await inB.publish('service.declared', { n: 1 })).status).toBe(202);
      const event = await deliveredEvent(inA, published.body.id);
      const notification = await inA.send('GET', `/notifications/${event.body.notifications[0].id}`, undefined);
      expect(notification.status).toBe(200);
      // What a service reads never holds a signing key.
      for (const text of [JSON.stringify(published.body), JSON.stringify(event.body), notification.text]) {
        expect(text).not.toContain(a.subscription.signatureKey);
        expect(text).not.toContain('whsec_');
      }

      const forbidden = {
        status: 403,
        error: 'forbidden',
        message: 'X-environment must name an environment this service token may use',
      };
      expect(answer(await inA.as({ ...inA.auth, environment: outside.id }).publish('service.declared', {}))).toEqual(forbidden);
      expect(answer(await inA.as({ ...inA.auth, environment: 'no-such-environment' }).publish('service.declared', {}))).toEqual(forbidden);
      expect(answer(await inA.as({ token: issued.token, version: '2022-03' }).publish('service.declared', {}))).toEqual(forbidden);
      expect(await t.app.db.query(`SELECT count(*)::int AS n FROM events WHERE environment_id = $1`, [outside.id])).toEqual([{ n: 0 }]);

      expect(answer(await inA.subscribe(t.receiver.url('/service-subscribes')))).toEqual(refusedFor('subscriptions'));
      expect(answer(await inA.request('POST', `/webhooks/subscriptions/${a.subscription.id}/rotate-key`, {}))).toEqual(refusedFor('subscriptions'));
      expect(answer(await inA.request('GET', '/webhooks/subscriptions'))).toEqual(refusedFor('subscriptions'));
    });

    it('without environments, serves every environment, one created after it included; a scope it lacks is refused', async () => {
      const issued = await issueServiceToken(admin(), { name: 'catalog only', scopes: ['catalog'] });
      expect(issued.environments).toBeNull();
      const later = await t.app.newEnvironment();
      const inLater = environmentClient(t.app.api.url, later.id, issued.token);
      const ns = typePrefix(); // the catalog is the platform's: names of this test's own
      expect(
        (await inLater.request('PUT', `/event-types/${ns}.later.declared`, { description: 'Declared by a token made before its environment' })).status,
      ).toBe(200);
      const catalog = await inLater.request('GET', '/webhooks/event-types');
      expect([catalog.status, ownTypes(catalog.body.items as { name: string }[], ns).map((type) => type.name)]).toEqual([200, [`${ns}.later.declared`]]);
      expect(answer(await inLater.publish(`${ns}.later.declared`, {}))).toEqual(refusedFor('publish'));
      const nowhere = await inLater.as({ ...inLater.auth, environment: 'not-made-yet' }).request('GET', '/webhooks/event-types');
      expect(nowhere.status).toBe(403);
    });

    it('refuses bodies it cannot issue from (400), naming what is wrong', async () => {
      const { id } = await t.app.newEnvironment();
      const issue = (body: unknown) => admin().request('POST', '/admin/tokens', body);
      const cases: [unknown, RegExp][] = [
        [{ name: 'x', scopes: ['subscriptions'] }, /a service token cannot hold subscriptions/],
        [{ name: 'x', scopes: ['publish', 'nonsense'] }, /unknown scope "nonsense"/],
        [{ name: 'x', scopes: [] }, /at least one scope/],
        [{ name: 'x' }, /scopes/],
        [{ scopes: ['publish'] }, /name/],
        [{ name: '', scopes: ['publish'] }, /name must be 1-100 characters/],
        [{ name: 'x', scopes: ['publish'], environments: [] }, /leave it out for every environment/],
        [{ name: 'x', scopes: ['publish'], environments: [id, 'not-an-environment'] }, /no environment "not-an-environment"/],
        [{ name: 'x', scopes: ['publish'], environments: ['Not Valid\u0000'] }, /no environment/],
        [{ name: 'x', scopes: ['publish'], environments: id }, /environments must be an array/],
      ];
      for (const [body, message] of cases) {
        const response = await issue(body);
        expect([body, response.status, response.body.message]).toEqual([body, 400, expect.stringMatching(message)]);
      }
      expect((await new ApiClient(t.app.api.url).request('POST', '/admin/tokens', { name: 'x', scopes: ['publish'] })).status).toBe(401);
    });

    it('lists them without the token or its hash, and a revocation takes effect at once, although the token was cached', async () => {
      const { id } = await t.app.newEnvironment();
      const issued = await issueServiceToken(admin(), { name: 'to revoke', scopes: ['publish'], environments: [id] });
      const service = environmentClient(t.app.api.url, id, issued.token);
      expect((await service.publish('revoked.soon', {})).status).toBe(202); // now in the 30 s cache

      const listed = await admin().request('GET', '/admin/tokens');
      expect(listed.status).toBe(200);
      expect(listed.body.find((token: { id: string }) => token.id === issued.id)).toEqual({
        id: issued.id,
        name: 'to revoke',
        prefix: issued.token.slice(0, 12),
        scopes: ['publish'],
        environments: [id],
        createdAt: expect.any(String),
        lastUsedAt: expect.any(String),
        revokedAt: null,
      });
      expect(JSON.stringify(listed.body)).not.toContain(issued.token);
      expect(JSON.stringify(listed.body)).not.toContain(hashToken(issued.token));
      // An environment's tokens are not service tokens, in either list.
      const [environmentToken] = (await admin().request('GET', `/admin/environments/${id}/tokens`)).body;
      expect(listed.body.map((token: { id: string }) => token.id)).not.toContain(environmentToken.id);
      expect((await admin().request('DELETE', `/admin/tokens/${environmentToken.id}`)).status).toBe(404);

      expect((await admin().request('DELETE', `/admin/tokens/${issued.id}`)).status).toBe(204);
      expect(answer(await service.publish('revoked.soon', {}))).toMatchObject({ status: 401, error: 'unauthorized' });
      const revokedAt = (await admin().request('GET', '/admin/tokens')).body.find((token: { id: string }) => token.id === issued.id).revokedAt;
      expect(revokedAt).toEqual(expect.any(String));
      expect((await admin().request('DELETE', `/admin/tokens/${issued.id}`)).status).toBe(204);
      expect((await admin().request('GET', '/admin/tokens')).body.find((token: { id: string }) => token.id === issued.id).revokedAt).toBe(revokedAt);
      for (const tokenId of [newId('tok'), 'nonsense']) expect((await admin().request('DELETE', `/admin/tokens/${tokenId}`)).status).toBe(404);
    });
  });
});
