import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { newId } from '../../../src/domain/ids';
import { signPayload } from '../../../src/domain/signature';
import { type ApiClient } from '../../support/api-client';
import { waitFor } from '../../support/wait';
import type { ReceivedRequest } from '../../support/https-receiver';
import { useTestApp } from '../../support/test-app';

const HOUR = 3_600_000;

describe('key rotation: POST /webhooks/subscriptions/:id/rotate-key', () => {
  const t = useTestApp();

  async function subscribed(path: string): Promise<{ api: ApiClient; id: string; key: string }> {
    const { api } = await t.app.newEnvironment();
    const response = await api.subscribe(t.receiver.url(path));
    expect(response.status).toBe(200);
    return { api, id: response.body.id, key: response.body.signatureKey };
  }

  /** Publishes one event and returns the POST the receiver got for it. */
  async function deliveredPost(api: ApiClient, path: string): Promise<ReceivedRequest> {
    const published = await api.publish('key.rotated', { n: Math.random() });
    expect(published.status).toBe(202);
    const [request] = await t.receiver.arrived((r) => r.path === path && JSON.parse(r.body).id === published.body.id);
    return request;
  }

  const verifies = (key: string, request: ReceivedRequest) => {
    try {
      new Webhook(key).verify(request.body, request.headers);
      return true;
    } catch (err) {
      if (err instanceof WebhookVerificationError) return false;
      throw err;
    }
  };

  const liveKeys = async (subscriptionId: string) =>
    await t.app.db.query<{ id: string; expires_at: Date | null }[]>(
      `SELECT id, expires_at FROM signing_keys WHERE subscription_id = $1 AND (expires_at IS NULL OR expires_at > now()) ORDER BY created_at`,
      [subscriptionId],
    );

  it('returns the new key only, which subscribe returns from then on', async () => {
    const { api, id, key } = await subscribed('/rotate-returns');
    const rotated = await api.request('POST', `/webhooks/subscriptions/${id}/rotate-key`, { overlap: '1h' });
    expect(rotated.status).toBe(200);
    expect(rotated.headers.get('x-version')).toBe('2022-03');
    expect(rotated.body).toEqual({
      id: expect.stringMatching(/^key_/),
      signatureKey: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
      createdAt: expect.any(String),
    });
    expect(rotated.body.signatureKey).not.toBe(key);
    expect(JSON.stringify(rotated.body)).not.toContain(key);
    expect((await api.subscribe(t.receiver.url('/rotate-returns'))).body).toMatchObject({ id, signatureKey: rotated.body.signatureKey });
  });

  it('during the overlap signs with both keys, the new one first, and either verifies with standardwebhooks', async () => {
    const { api, id, key: oldKey } = await subscribed('/overlap');
    const rotated = await api.request('POST', `/webhooks/subscriptions/${id}/rotate-key`, { overlap: '1h' });
    const newKey = rotated.body.signatureKey as string;

    const request = await deliveredPost(api, '/overlap');
    const { 'webhook-id': msgId, 'webhook-timestamp': timestamp } = request.headers;
    expect(request.headers['webhook-signature']).toBe(
      `${signPayload(newKey, msgId, Number(timestamp), request.body)} ${signPayload(oldKey, msgId, Number(timestamp), request.body)}`,
    );
    expect(verifies(newKey, request)).toBe(true);
    expect(verifies(oldKey, request)).toBe(true);
    expect(verifies(`whsec_${Buffer.alloc(32, 7).toString('base64')}`, request)).toBe(false);
  });

  it('after the overlap signs with the new key only', async () => {
    const { api, id, key: oldKey } = await subscribed('/after-overlap');
    const rotated = await api.request('POST', `/webhooks/subscriptions/${id}/rotate-key`, { overlap: '2s' });
    const newKey = rotated.body.signatureKey as string;
    const [old] = await liveKeys(id);
    expect(old.expires_at!.getTime() - Date.parse(rotated.body.createdAt)).toBe(2_000);

    await waitFor(
      () => liveKeys(id),
      (keys) => keys.length === 1,
    );
    const request = await deliveredPost(api, '/after-overlap');
    expect(request.headers['webhook-signature'].split(' ')).toHaveLength(1);
    expect(verifies(newKey, request)).toBe(true);
    expect(verifies(oldKey, request)).toBe(false);
  });

  it('with an overlap of 0s retires the old key at once', async () => {
    const { api, id, key: oldKey } = await subscribed('/no-overlap');
    const rotated = await api.request('POST', `/webhooks/subscriptions/${id}/rotate-key`, { overlap: '0s' });
    expect(rotated.status).toBe(200);
    expect(await liveKeys(id)).toEqual([{ id: rotated.body.id, expires_at: null }]);
    const request = await deliveredPost(api, '/no-overlap');
    expect(verifies(rotated.body.signatureKey, request)).toBe(true);
    expect(verifies(oldKey, request)).toBe(false);
  });

  it('defaults to a 24h overlap with no body, and a new overlap caps the older keys', async () => {
    const { api, id } = await subscribed('/default-overlap');
    const rotated = await api.request('POST', `/webhooks/subscriptions/${id}/rotate-key`, undefined, { 'content-type': '' });
    expect(rotated.status).toBe(200);
    const [first] = await liveKeys(id);
    expect(first.expires_at!.getTime() - Date.parse(rotated.body.createdAt)).toBe(24 * HOUR);

    const empty = await api.request('POST', `/webhooks/subscriptions/${id}/rotate-key`, {});
    expect(empty.status).toBe(200);
    const again = await api.request('POST', `/webhooks/subscriptions/${id}/rotate-key`, { overlap: '30m' });
    const keys = await liveKeys(id);
    expect(keys.map((k) => k.id)).toEqual([first.id, rotated.body.id, empty.body.id, again.body.id]);
    expect(keys.map((k) => k.expires_at && k.expires_at.getTime() - Date.parse(again.body.createdAt))).toEqual([HOUR / 2, HOUR / 2, HOUR / 2, null]);
  });

  it('keeps at most 10 keys alive: the rotation that would make an 11th is refused (409) until an overlap of 0s', async () => {
    const { api, id } = await subscribed('/ten-keys');
    for (let n = 2; n <= 10; n++) {
      expect((await api.request('POST', `/webhooks/subscriptions/${id}/rotate-key`, { overlap: `${n}h` })).status).toBe(200);
    }
    expect(await liveKeys(id)).toHaveLength(10);

    const refused = await api.request('POST', `/webhooks/subscriptions/${id}/rotate-key`, { overlap: '1h' });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: 'conflict', message: expect.stringMatching(/at most 10 sign at once.*"overlap": "0s"/) });
    expect(await liveKeys(id)).toHaveLength(10);

    const request = await deliveredPost(api, '/ten-keys');
    expect(request.headers['webhook-signature'].split(' ')).toHaveLength(10);

    const reset = await api.request('POST', `/webhooks/subscriptions/${id}/rotate-key`, { overlap: '0s' });
    expect(reset.status).toBe(200);
    expect(await liveKeys(id)).toEqual([{ id: reset.body.id, expires_at: null }]);
  });

  describe('refusals', () => {
    it.each([
      ['a word', { overlap: 'soon' }, /overlap "soon" is not a duration/],
      ['more than 7d', { overlap: '8d' }, /at most 7d/],
      ['a negative duration', { overlap: '-1h' }, /not a duration/],
      ['a number', { overlap: 3600 }, /overlap must be a duration string/],
      ['unknown fields', { overlap: '1h', keep: true }, /keep/],
    ])('answers 400 to %s', async (_, body, message) => {
      const { api, id } = await subscribed('/bad-overlap');
      const response = await api.request('POST', `/webhooks/subscriptions/${id}/rotate-key`, body);
      expect([response.status, response.body.error]).toEqual([400, 'validation']);
      expect(response.body.message).toMatch(message);
      expect(await liveKeys(id)).toHaveLength(1);
    });

    it('accepts 7d exactly', async () => {
      const { api, id } = await subscribed('/seven-days');
      expect((await api.request('POST', `/webhooks/subscriptions/${id}/rotate-key`, { overlap: '7d' })).status).toBe(200);
    });

    it('answers 404 for another environment’s subscription and for unknown ones, and changes nothing', async () => {
      const theirs = await subscribed('/theirs');
      const { api: mine } = await t.app.newEnvironment();
      for (const id of [theirs.id, newId('sub'), 'nonsense']) {
        const response = await mine.request('POST', `/webhooks/subscriptions/${id}/rotate-key`, { overlap: '0s' });
        expect([response.status, response.body.error]).toEqual([404, 'not_found']);
      }
      expect(await liveKeys(theirs.id)).toHaveLength(1);
      expect((await theirs.api.subscribe(t.receiver.url('/theirs'))).body.signatureKey).toBe(theirs.key);
    });

    it('answers 401 without a valid token, 403 for another environment, 400 for an unknown X-version', async () => {
      const { api, id } = await subscribed('/auth');
      const other = await t.app.newEnvironment();
      const path = `/webhooks/subscriptions/${id}/rotate-key`;
      expect((await api.as({ environment: other.id }).request('POST', path)).status).toBe(401);
      expect((await other.api.as({ token: other.token, environment: 'not-mine' }).request('POST', path)).status).toBe(403);
      const version = await other.api.as({ token: other.token, environment: other.id, version: '2019-01' }).request('POST', path);
      expect(version.status).toBe(400);
      expect(await liveKeys(id)).toHaveLength(1);
    });
  });
});
