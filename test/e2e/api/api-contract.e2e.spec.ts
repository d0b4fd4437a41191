import { ApiClient } from '../../support/api-client';
import { startTestApp, useTestApp } from '../../support/test-app';

describe('API contract: idempotency, validation, authentication', () => {
  const t = useTestApp();

  describe('idempotency', () => {
    it('subscribing the same URL again returns the same subscription and key', async () => {
      const { api } = await t.app.newEnvironment();
      const first = await api.subscribe(t.receiver.url('/same'));
      const second = await api.subscribe(t.receiver.url('/same'));
      expect(second.status).toBe(200);
      expect(second.body).toEqual(first.body);
      const other = await api.subscribe(t.receiver.url('/other'));
      expect(other.body.id).not.toBe(first.body.id);
      expect(other.body.signatureKey).not.toBe(first.body.signatureKey);
    });

    it('subscribing again with eventTypes replaces the filter, and keeps the key', async () => {
      const { api } = await t.app.newEnvironment();
      const first = await api.subscribe(t.receiver.url('/filtered'), ['a.created']);
      const narrowed = await api.subscribe(t.receiver.url('/filtered'), ['b.created']);
      expect(narrowed.body).toMatchObject({ id: first.body.id, signatureKey: first.body.signatureKey, eventTypes: ['b.created'] });
      expect((await api.publish('a.created', {})).body.notifications).toBe(0);
      expect((await api.publish('b.created', {})).body.notifications).toBe(1);
      const unchanged = await api.subscribe(t.receiver.url('/filtered'));
      expect(unchanged.body.eventTypes).toEqual(['b.created']);
    });

    it('publishing with the same Idempotency-Key returns the original event and starts nothing new', async () => {
      const { api } = await t.app.newEnvironment();
      await api.subscribe(t.receiver.url('/idempotent'));
      const first = await api.publish('invoice.paid', { n: 1 }, 'key-123');
      const again = await api.publish('invoice.paid', { n: 1 }, 'key-123');
      expect(first.status).toBe(202);
      expect(again.status).toBe(202);
      expect(again.body).toEqual(first.body);
      const concurrent = await Promise.all([1, 2, 3].map(() => api.publish('invoice.paid', { n: 2 }, 'key-456')));
      expect(new Set(concurrent.map((r) => r.body.id)).size).toBe(1);

      const [{ count }] = await t.app.db.query(`SELECT count(*)::int AS count FROM notifications n JOIN events e ON e.id = n.event_id WHERE e.id = ANY ($1)`, [
        [first.body.id, concurrent[0].body.id],
      ]);
      expect(count).toBe(2);
    });
  });

  describe('400: bad input gets a clear reason', () => {
    let api: ApiClient;
    beforeAll(async () => ({ api } = await t.app.newEnvironment()));

    it.each([
      ['http:// URLs', { url: 'http://127.0.0.1/hooks' }, /https/],
      ['a URL that is not a URL', { url: 'not a url' }, /url/i],
      ['a missing URL', {}, /url/i],
      ['a URL over 2048 characters', { url: `https://example.com/${'a'.repeat(2048)}` }, /2048/],
      ['unknown fields', { url: 'https://example.com/h', colour: 'red' }, /colour/],
      ['malformed event types', { url: 'https://example.com/h', eventTypes: ['no spaces allowed'] }, /event types/],
    ])('subscribe refuses %s', async (_, body, message) => {
      const response = await api.request('PUT', '/webhooks/subscribe', body);
      expect(response.status).toBe(400);
      expect(response.body.message).toMatch(message);
    });

    it('subscribe refuses private targets unless they are allowed', async () => {
      const strict = await startTestApp({ ALLOW_PRIVATE_TARGETS: 'false', NODE_EXTRA_CA_CERTS: t.receiver.caFile });
      try {
        const { api: strictApi } = await strict.newEnvironment();
        for (const url of [t.receiver.url('/private'), 'https://localhost/hooks', 'https://10.1.2.3/hooks', 'https://[::1]/hooks']) {
          const response = await strictApi.subscribe(url);
          expect(response.status).toBe(400);
          expect(response.body).toMatchObject({ error: 'private_target', message: expect.stringMatching(/ALLOW_PRIVATE_TARGETS/) });
        }
      } finally {
        await strict.close();
      }
    });

    it('refuses an unknown X-version, and answers with the latest when none is given', async () => {
      const { id, token } = await t.app.newEnvironment();
      const unknown = await api.as({ token, environment: id, version: '2019-01' }).subscribe(t.receiver.url('/v'));
      expect(unknown.status).toBe(400);
      expect(unknown.body.message).toMatch(/2022-03/);
      const none = await api.as({ token, environment: id }).subscribe(t.receiver.url('/v'));
      expect(none.status).toBe(200);
      expect(none.headers.get('x-version')).toBe('2022-03');
    });

    it.each([
      ['malformed JSON', '{"type": "a",', /JSON/],
      ['a missing type', { data: {} }, /type/],
      ['a bad type', { type: 'has space', data: {} }, /type/],
      ['data that is not an object', { type: 'a.b', data: [1, 2] }, /data/],
      ['missing data', { type: 'a.b' }, /data/],
    ])('publish refuses %s', async (_, body, message) => {
      const response = await api.request('POST', '/events', body);
      expect(response.status).toBe(400);
      expect(response.body.message).toMatch(message);
    });

    it('refuses a body over 1 MB (413) and a body that is not JSON (415)', async () => {
      const huge = await api.request('POST', '/events', { type: 'a.b', data: { blob: 'x'.repeat(1_100_000) } });
      expect(huge.status).toBe(413);
      expect(huge.body.error).toBe('payload_too_large');
      const text = await api.request('POST', '/events', 'type=a.b', { 'content-type': 'text/plain' });
      expect(text.status).toBe(415);
      expect(text.body.message).toMatch(/application\/json/);
    });

    it('refuses a bad Idempotency-Key', async () => {
      const response = await api.request('POST', '/events', { type: 'a.b', data: {} }, { 'idempotency-key': 'x'.repeat(256) });
      expect(response.status).toBe(400);
    });
  });

  describe('401, 403, 404', () => {
    it('answers 401 with one body for a missing, unknown or malformed token', async () => {
      const { id } = await t.app.newEnvironment();
      const base = new ApiClient(t.app.api.url);
      const responses = await Promise.all([
        base.as({ environment: id }).subscribe(t.receiver.url('/x')),
        base.as({ token: 'pwh_' + 'A'.repeat(43), environment: id }).subscribe(t.receiver.url('/x')),
        base.as({ token: 'garbage', environment: id }).subscribe(t.receiver.url('/x')),
        base.request('POST', '/events', { type: 'a', data: {} }, { authorization: 'Basic dXNlcjpwYXNz', 'x-environment': id }),
      ]);
      for (const response of responses) expect([response.status, response.body]).toEqual([401, responses[0].body]);
      expect(responses[0].body.error).toBe('unauthorized');
    });

    it('answers 403 when X-environment is not the token’s environment', async () => {
      const mine = await t.app.newEnvironment();
      const theirs = await t.app.newEnvironment();
      const wrong = await mine.api.as({ token: mine.token, environment: theirs.id }).subscribe(t.receiver.url('/x'));
      expect(wrong.status).toBe(403);
      const missing = await mine.api.as({ token: mine.token }).subscribe(t.receiver.url('/x'));
      expect(missing.status).toBe(403);
    });

    it('hides another environment’s event and notification (404)', async () => {
      const mine = await t.app.newEnvironment();
      const theirs = await t.app.newEnvironment();
      await theirs.api.subscribe(t.receiver.url('/theirs'));
      const published = await theirs.api.publish('secret.thing', { x: 1 });
      const event = await theirs.api.request('GET', `/events/${published.body.id}`);
      const notificationId = event.body.notifications[0].id;

      expect((await mine.api.request('GET', `/events/${published.body.id}`)).status).toBe(404);
      expect((await mine.api.request('GET', `/notifications/${notificationId}`)).status).toBe(404);
      expect((await mine.api.request('GET', `/notifications/${notificationId}/attempts`)).status).toBe(404);
      expect((await mine.api.request('GET', '/notifications/ntf_nonsense')).status).toBe(404);
      expect((await theirs.api.request('GET', `/notifications/${notificationId}`)).status).toBe(200);
    });

    it('guards the admin API with ADMIN_TOKEN', async () => {
      const anonymous = new ApiClient(t.app.api.url, { token: 'not-the-admin-token' });
      expect((await anonymous.request('POST', '/admin/environments', { id: 'nope' })).status).toBe(401);
      expect((await t.app.admin.request('POST', '/admin/environments', { id: 'Bad Id!' })).status).toBe(400);
      const { id } = await t.app.newEnvironment();
      expect((await t.app.admin.request('POST', '/admin/environments', { id })).status).toBe(409);
      expect((await t.app.admin.request('POST', '/admin/environments/does-not-exist/tokens')).status).toBe(404);
    });
  });
});
