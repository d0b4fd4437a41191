import { Webhook } from 'standardwebhooks';
import type { RecordedRequest } from './counting-receiver';

/**
 * Standard Webhooks checks over what a CountingReceiver recorded: signatures, duplicates, conflicting bodies.
 * `Webhook.verify` compares the timestamp with the present (5 minutes' tolerance), which would fail requests recorded
 * long ago; so each signature is checked with the package's `sign` for the request's own timestamp, and the
 * timestamp is compared with the request's arrival instead.
 */
export interface VerifyReport {
  requests: number;
  /** Distinct webhook-ids (a request without one counts only as a bad signature). */
  distinctIds: number;
  /** Webhook-ids that arrived more than once, and the extra arrivals in all. */
  duplicates: number;
  duplicateIds: string[];
  redundantDeliveries: number;
  /** Webhook-ids that arrived with different body bytes. */
  conflicting: number;
  conflictingIds: string[];
  /** Requests whose webhook-signature has no v1 signature by one of the subscription's secrets (or lack the headers). */
  badSignatures: number;
  /** Requests whose webhook-timestamp is more than 5 minutes from their arrival. */
  staleTimestamps: number;
  /** One line per bad signature or stale timestamp. */
  problems: string[];
}

/** Secrets by subscription path (several during a key rotation), or a function of the request. */
export type SigningKeys = Record<string, string | string[]> | ((request: RecordedRequest) => string | string[] | undefined);

const TOLERANCE_S = 5 * 60;

function secretsFor(keys: SigningKeys, request: RecordedRequest): string[] {
  const found = typeof keys === 'function' ? keys(request) : keys[request.path];
  return found === undefined ? [] : Array.isArray(found) ? found : [found];
}

/** Whether `request` carries a valid Standard Webhooks signature by one of `secrets`; a reason when it does not. */
export function checkSignature(request: Pick<RecordedRequest, 'headers' | 'text' | 'path'>, secrets: string[]): string | null {
  const id = request.headers['webhook-id'];
  const timestamp = Number(request.headers['webhook-timestamp']);
  const signatures = (request.headers['webhook-signature'] ?? '').split(' ').filter(Boolean);
  if (!id || !Number.isInteger(timestamp) || signatures.length === 0) return 'missing webhook headers';
  if (secrets.length === 0) return `no signing key for ${request.path}`;
  const expected = secrets.map((secret) => new Webhook(secret).sign(id, new Date(timestamp * 1000), request.text));
  return signatures.some((signature) => expected.includes(signature)) ? null : 'no signature matches';
}

export function verifyAll(requests: readonly RecordedRequest[], signingKeyBySubscription: SigningKeys): VerifyReport {
  const bodiesById = new Map<string, Buffer[]>();
  const problems: string[] = [];
  let badSignatures = 0;
  let staleTimestamps = 0;
  for (const request of requests) {
    const id = request.webhookId ?? '(no webhook-id)';
    if (request.webhookId !== undefined) bodiesById.set(id, [...(bodiesById.get(id) ?? []), request.body]);
    const bad = checkSignature(request, secretsFor(signingKeyBySubscription, request));
    if (bad) {
      badSignatures++;
      problems.push(`#${request.index} ${request.path} ${id}: ${bad}`);
    }
    const skew = Math.abs(Number(request.headers['webhook-timestamp']) - request.at / 1000);
    if (!bad && skew > TOLERANCE_S) {
      staleTimestamps++;
      problems.push(`#${request.index} ${request.path} ${id}: timestamp ${Math.round(skew)} s from arrival`);
    }
  }
  const duplicateIds = [...bodiesById].filter(([, bodies]) => bodies.length > 1).map(([id]) => id);
  const conflictingIds = [...bodiesById].filter(([, bodies]) => bodies.some((body) => !body.equals(bodies[0]))).map(([id]) => id);
  return {
    requests: requests.length,
    distinctIds: bodiesById.size,
    duplicates: duplicateIds.length,
    duplicateIds,
    redundantDeliveries: [...bodiesById.values()].reduce((sum, bodies) => sum + bodies.length - 1, 0),
    conflicting: conflictingIds.length,
    conflictingIds,
    badSignatures,
    staleTimestamps,
    problems,
  };
}
