import type { Pool } from 'pg';
import type { ChaosEnvironment } from './topology';
import { checkSignature } from './verify';

/** A request a receiver got, as the checks need it: what it carried and what the receiver answered. */
export interface Observation {
  headers: Record<string, string>;
  body: string;
  /** The status the receiver answered; undefined when it answered nothing (reset, hang). */
  status?: number;
}

/** A publish's answer: status (0 when none came), body, and how long it took. */
export interface PublishAnswer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- read loosely, as test/support/api-client.ts's answers
  body: any;
  ms: number;
}

/** What a case counted; `lost` must be 0. */
export interface Tally {
  /** Events the API answered 202 for. */
  accepted: number;
  /** Their notifications (event × subscription), as stored. */
  notifications: number;
  /** Notifications a receiver answered 2xx for. */
  delivered: number;
  /** 2xx answers beyond the first for one webhook-id (at-least-once delivery allows them). */
  duplicates: number;
  lost: number;
  /** webhook-ids seen with different bytes. */
  conflicting: number;
  badSignatures: number;
  /** Notifications whose attempt records disagree with what the receiver saw (see tally()). */
  disagreements: string[];
}

/** Counts every publish of a case: what was accepted and how long each answer took. */
export class Ledger {
  readonly accepted = new Map<string, number>();
  readonly answers = new Map<number, number>();
  /** The first few answers that were not 202, as status and body: what a failed count of answers shows. */
  readonly refusals = new Set<string>();
  readonly publishMs: number[] = [];
  private next = 0;

  /**
   * Publishes through the environment's API processes in turn (30 s at most per request); records a 202's event and
   * its notification count, and every answer's status (0: no answer).
   */
  async publish(
    env: ChaosEnvironment,
    type: string,
    data: unknown,
    headers: Record<string, string> = {},
    /** More fields of the publish's body (an `orderingKey`). */
    fields: Record<string, unknown> = {},
  ): Promise<PublishAnswer> {
    const baseUrl = env.clients[this.next++ % env.clients.length].baseUrl;
    const started = performance.now();
    let answer: PublishAnswer;
    try {
      const response = await fetch(`${baseUrl}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${env.token}`, 'x-environment': env.id, 'x-version': '2022-03', ...headers },
        body: JSON.stringify({ type, data, ...fields }),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      answer = { status: response.status, body: text ? JSON.parse(text) : undefined, ms: performance.now() - started };
    } catch {
      answer = { status: 0, body: undefined, ms: performance.now() - started };
    }
    this.publishMs.push(answer.ms);
    this.answers.set(answer.status, (this.answers.get(answer.status) ?? 0) + 1);
    if (answer.status !== 202 && this.refusals.size < 5) this.refusals.add(`${answer.status} ${JSON.stringify(answer.body)}`);
    if (answer.status === 202) this.accepted.set(answer.body.id, answer.body.notifications);
    return answer;
  }

  get expectedNotifications(): number {
    let total = 0;
    for (const n of this.accepted.values()) total += n;
    return total;
  }
}

/** The p-th percentile (0-100) of `values`. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Resolves once every notification of the ledger's accepted events has succeeded; fails with the counts seen. */
export async function settled(db: Pool, ledger: Ledger, timeoutMs: number): Promise<void> {
  const ids = [...ledger.accepted.keys()];
  const expected = ledger.expectedNotifications;
  const deadline = Date.now() + timeoutMs;
  let last: string;
  for (;;) {
    try {
      const { rows } = await db.query<{ status: string; n: string }>(
        'SELECT status, count(*) AS n FROM notifications WHERE event_id = ANY($1) GROUP BY status',
        [ids],
      );
      const byStatus = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
      if ((byStatus.succeeded ?? 0) >= expected) return;
      last = JSON.stringify(byStatus);
    } catch (err) {
      last = (err as Error).message; // the database may be down during an outage case
    }
    if (Date.now() > deadline) throw new Error(`not settled within ${timeoutMs} ms: expected ${expected} succeeded, saw ${last}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * Counts a case against the receivers and the database. Per notification the attempt records agree with the
 * receiver when: a delivered notification is `succeeded` with exactly one successful attempt, and no more
 * attempts got an answer than the receiver answered (a worker killed mid-request may leave one unrecorded).
 */
export async function tally(db: Pool, ledger: Ledger, observations: Observation[], signingKeys: Map<string, string[]>): Promise<Tally> {
  const { rows } = await db.query<{ id: string; subscription_id: string; status: string; successes: string; answered: string }>(
    `SELECT n.id, n.subscription_id, n.status,
            count(a.id) FILTER (WHERE a.succeeded) AS successes,
            count(a.id) FILTER (WHERE a.status_code IS NOT NULL) AS answered
       FROM notifications n LEFT JOIN attempts a ON a.notification_id = n.id
      WHERE n.event_id = ANY($1) GROUP BY n.id`,
    [[...ledger.accepted.keys()]],
  );
  const byWebhookId = new Map<string, Observation[]>();
  for (const o of observations) {
    const id = o.headers['webhook-id'] ?? '';
    byWebhookId.set(id, [...(byWebhookId.get(id) ?? []), o]);
  }
  const result: Tally = {
    accepted: ledger.accepted.size,
    notifications: rows.length,
    delivered: 0,
    duplicates: 0,
    lost: 0,
    conflicting: 0,
    badSignatures: 0,
    disagreements: [],
  };
  for (const row of rows) {
    const seen = byWebhookId.get(row.id) ?? [];
    const ok = seen.filter((o) => o.status !== undefined && o.status >= 200 && o.status < 300).length;
    if (ok > 0) result.delivered += 1;
    result.duplicates += Math.max(0, ok - 1);
    if (new Set(seen.map((o) => o.body)).size > 1) result.conflicting += 1;
    const keys = signingKeys.get(row.subscription_id) ?? [];
    for (const o of seen) if (checkSignature({ headers: o.headers, text: o.body, path: '' }, keys) !== null) result.badSignatures += 1;
    const answered = seen.filter((o) => o.status !== undefined).length;
    if (ok > 0 && (row.status !== 'succeeded' || Number(row.successes) !== 1)) {
      result.disagreements.push(`${row.id}: receiver answered 2xx, stored ${row.status} with ${row.successes} successful attempts`);
    } else if (Number(row.answered) > answered) {
      result.disagreements.push(`${row.id}: ${row.answered} answered attempts stored, the receiver answered ${answered}`);
    }
  }
  result.lost = Math.max(ledger.expectedNotifications, rows.length) - result.delivered;
  return result;
}
