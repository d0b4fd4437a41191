import { createHmac, randomBytes } from 'node:crypto';

/** Standard Webhooks signing (https://www.standardwebhooks.com/): HMAC-SHA256, base64, `v1,` prefix. */
const SECRET_PREFIX = 'whsec_';

export function generateSigningSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

function secretKeyBytes(secret: string): Buffer {
  const raw = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = Buffer.from(raw, 'base64');
  if (key.length === 0) throw new Error('signing secret is empty');
  return key;
}

export function signPayload(secret: string, msgId: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', secretKeyBytes(secret)).update(`${msgId}.${timestampSeconds}.${body}`, 'utf8').digest('base64');
  return `v1,${mac}`;
}

/** One signature per active secret (rotation overlap), space separated. */
export function signatureHeader(secrets: string[], msgId: string, timestampSeconds: number, body: string): string {
  if (secrets.length === 0) throw new Error('at least one signing secret is required');
  return secrets.map((s) => signPayload(s, msgId, timestampSeconds, body)).join(' ');
}

/**
 * The headers of a notification's POST. `test`: a test event's (POST /webhooks/subscriptions/:id/test), which also
 * carries `webhook-test: true`; like content-type, it is not signed (the signature covers id, timestamp and body).
 */
export function webhookHeaders(input: { msgId: string; timestampSeconds: number; body: string; secrets: string[]; test?: boolean }): Record<string, string> {
  return {
    'content-type': 'application/json',
    'webhook-id': input.msgId,
    'webhook-timestamp': String(input.timestampSeconds),
    'webhook-signature': signatureHeader(input.secrets, input.msgId, input.timestampSeconds, input.body),
    ...(input.test ? { 'webhook-test': 'true' } : {}),
  };
}

/** The order a reader of a webhook expects its headers in; any other header follows, by name. */
const READING_ORDER = ['content-type', 'user-agent', 'webhook-id', 'webhook-timestamp', 'webhook-signature', 'webhook-test', 'traceparent', 'tracestate'];
const rank = (name: string) => {
  const at = READING_ORDER.indexOf(name.toLowerCase());
  return at === -1 ? READING_ORDER.length : at;
};

/** A POST's headers (an attempt's, as recorded) as `[name, value]` pairs in reading order: the portal and the CLI show them so. */
export function inReadingOrder(headers: Record<string, string>): [string, string][] {
  return Object.entries(headers).sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}
