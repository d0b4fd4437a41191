import type { IncomingHttpHeaders } from 'node:http';
import { Webhook } from 'standardwebhooks';
import type { Answer } from './local-receiver';

/** One notification as `plude listen` saw it. */
export interface Received {
  at: Date;
  webhookId: string;
  type: string;
  verified: boolean;
  /** Why the signature did not verify. */
  verifyError?: string;
  /** How many times this listener has seen this webhook-id: the API's attempts since the listener started. */
  attempt: number;
  /** What the listener answered. */
  status: number;
  forwardedTo?: string;
  forwardError?: string;
  /** Not passed on to the forward URL: its signature did not verify (and --forward-unverified was not given). */
  withheld?: boolean;
}

/** Where `plude listen --forward` passes notifications on; `unverified`: also those whose signature did not verify. */
export interface ForwardTarget {
  url: string;
  unverified?: boolean;
}

/** Headers that belong to one connection, not to the notification: never forwarded. */
const HOP_BY_HOP = new Set(['host', 'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'content-length']);
const FORWARD_TIMEOUT_MS = 30_000;

const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(', ') : value);

function eventType(body: string): string {
  try {
    const type = (JSON.parse(body) as { type?: unknown }).type;
    return typeof type === 'string' ? type : '-';
  } catch {
    return '-';
  }
}

/**
 * What `plude listen` does with each POST: verifies its Standard Webhooks signature with the subscription's key,
 * counts the times it has seen its webhook-id, and answers: with the status of the `forward` URL when there is one
 * (the body and headers passed on as they came), else 200 for a verified notification and 400 for any other. A POST
 * whose signature did not verify is not forwarded unless `forward.unverified` (--forward-unverified): any process on
 * this machine can POST to the listener, and the handler behind it trusts what comes through.
 */
export class Inbox {
  private readonly webhook: Webhook;
  private readonly seen = new Map<string, number>();

  constructor(
    signatureKey: string,
    private readonly forward?: ForwardTarget,
    private readonly fetchFn: typeof fetch = fetch,
  ) {
    this.webhook = new Webhook(signatureKey);
  }

  async receive(headers: IncomingHttpHeaders, body: string): Promise<{ answer: Answer; received: Received }> {
    const webhookId = one(headers['webhook-id']) ?? '-';
    const attempt = (this.seen.get(webhookId) ?? 0) + 1;
    this.seen.set(webhookId, attempt);
    let verifyError: string | undefined;
    try {
      this.webhook.verify(body, {
        'webhook-id': webhookId,
        'webhook-timestamp': one(headers['webhook-timestamp']) ?? '',
        'webhook-signature': one(headers['webhook-signature']) ?? '',
      });
    } catch (err) {
      verifyError = err instanceof Error ? err.message : String(err);
    }
    const verified = verifyError === undefined;
    const base = { at: new Date(), webhookId, type: eventType(body), verified, verifyError, attempt };
    if (!verified && this.forward && !this.forward.unverified) {
      const answer = { status: 400, body: `signature not verified: ${verifyError}; not forwarded (--forward-unverified forwards it anyway)` };
      return { answer, received: { ...base, status: answer.status, withheld: true } };
    }
    if (!this.forward) {
      const answer = verified ? { status: 200, body: 'verified' } : { status: 400, body: `signature not verified: ${verifyError}` };
      return { answer, received: { ...base, status: answer.status } };
    }
    const forwardUrl = this.forward.url;
    try {
      const response = await this.fetchFn(forwardUrl, {
        method: 'POST',
        headers: forwardedHeaders(headers),
        body,
        signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
      });
      const answer = { status: response.status, body: await response.text(), contentType: response.headers.get('content-type') ?? undefined };
      return { answer, received: { ...base, status: answer.status, forwardedTo: forwardUrl } };
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      return {
        answer: { status: 502, body: `forward to ${forwardUrl} failed: ${cause}` },
        received: { ...base, status: 502, forwardedTo: forwardUrl, forwardError: cause },
      };
    }
  }
}

function forwardedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const forwarded: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const text = one(value);
    if (text !== undefined && !HOP_BY_HOP.has(name)) forwarded[name] = text;
  }
  return forwarded;
}

/** `12:04:31  ntf_…  invoice.paid  signature verified  attempt 1  answered 200`. */
export function describeReceived(received: Received): string {
  const time = received.at.toTimeString().slice(0, 8);
  const signature = received.verified ? 'signature verified' : `signature NOT verified (${received.verifyError})`;
  const answered = received.forwardError
    ? `forward to ${received.forwardedTo} failed (${received.forwardError}): answered ${received.status}`
    : received.forwardedTo
      ? `${received.forwardedTo} answered ${received.status}`
      : received.withheld
        ? `not forwarded: answered ${received.status}`
        : `answered ${received.status}`;
  return `${time}  ${received.webhookId}  ${received.type}  ${signature}  attempt ${received.attempt}  ${answered}`;
}
