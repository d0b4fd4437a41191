import { createHmac } from 'node:crypto';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { generateSigningSecret, signatureHeader, signPayload, webhookHeaders } from '../../src/domain/signature';

describe('signature (Standard Webhooks)', () => {
  // Published Standard Webhooks example; expected value re-checked with
  // `openssl dgst -sha256 -mac HMAC -macopt hexkey:<base64-decoded secret> -binary | base64`.
  const vector = {
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    msgId: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
    timestamp: 1614265330,
    body: '{"test": 2432232314}',
    expected: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
  };

  it('matches the known vector', () => {
    expect(signPayload(vector.secret, vector.msgId, vector.timestamp, vector.body)).toBe(vector.expected);
  });

  it('accepts a secret without the whsec_ prefix', () => {
    const bare = vector.secret.slice('whsec_'.length);
    expect(signPayload(bare, vector.msgId, vector.timestamp, vector.body)).toBe(vector.expected);
  });

  it('matches an inline HMAC over msgId.timestamp.body with the decoded key', () => {
    const secret = generateSigningSecret();
    const key = Buffer.from(secret.slice(6), 'base64');
    const body = '{"type":"user.created","data":{"name":"Zoë"}}';
    const expected = createHmac('sha256', key).update(`evt_1.1700000000.${body}`).digest('base64');
    expect(signPayload(secret, 'evt_1', 1700000000, body)).toBe(`v1,${expected}`);
  });

  it('generates whsec_ + base64 of 32 bytes, accepted by new Webhook(secret) as-is', () => {
    const secret = generateSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(() => new Webhook(secret)).not.toThrow();
    expect(generateSigningSecret()).not.toBe(secret);
  });

  describe('webhookHeaders verified by the standardwebhooks package', () => {
    const secret = generateSigningSecret();
    const body = JSON.stringify({ type: 'invoice.paid', data: { id: 42 } });
    const now = Math.floor(Date.now() / 1000);
    const headers = webhookHeaders({ msgId: 'ntf_01', timestampSeconds: now, body, secrets: [secret] });

    it('returns lowercase headers', () => {
      expect(headers).toEqual({
        'content-type': 'application/json',
        'webhook-id': 'ntf_01',
        'webhook-timestamp': String(now),
        'webhook-signature': expect.stringMatching(/^v1,[A-Za-z0-9+/]+=*$/),
      });
    });

    it('a test event’s carry webhook-test: true, unsigned: the same signature verifies', () => {
      const tested = webhookHeaders({ msgId: 'ntf_01', timestampSeconds: now, body, secrets: [secret], test: true });
      expect(tested).toEqual({ ...headers, 'webhook-test': 'true' });
      expect(new Webhook(secret).verify(body, tested)).toEqual({ type: 'invoice.paid', data: { id: 42 } });
    });

    it('is accepted with the right key', () => {
      expect(new Webhook(secret).verify(body, headers)).toEqual({ type: 'invoice.paid', data: { id: 42 } });
    });

    it('is rejected with a wrong key', () => {
      expect(() => new Webhook(generateSigningSecret()).verify(body, headers)).toThrow(WebhookVerificationError);
    });

    it('is rejected for a tampered body', () => {
      const tampered = body.replace('42', '43');
      expect(() => new Webhook(secret).verify(tampered, headers)).toThrow(WebhookVerificationError);
    });
  });

  it('signs with every active secret during rotation; each alone verifies', () => {
    const [oldKey, newKey] = [generateSigningSecret(), generateSigningSecret()];
    const body = '{"a":1}';
    const ts = Math.floor(Date.now() / 1000);
    const header = signatureHeader([oldKey, newKey], 'ntf_2', ts, body);
    expect(header.split(' ')).toEqual([signPayload(oldKey, 'ntf_2', ts, body), signPayload(newKey, 'ntf_2', ts, body)]);
    const headers = webhookHeaders({ msgId: 'ntf_2', timestampSeconds: ts, body, secrets: [oldKey, newKey] });
    expect(() => new Webhook(oldKey).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(newKey).verify(body, headers)).not.toThrow();
  });

  it('refuses to sign with no secrets', () => {
    expect(() => signatureHeader([], 'ntf_3', 1, '{}')).toThrow(/at least one/);
  });
});
