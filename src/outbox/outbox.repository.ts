import type { DataSource } from 'typeorm';
import type { NotificationDispatch, RecoveryCursor } from '../domain/delivery';
import type { DeliveryPolicy } from '../domain/retry-schedule';
import { RECOVERABLE } from '../persistence/repositories/recovery.repository';
import { type PolicyRow, policyAssignments, policyColumnList, policyColumnsOf, policyOf, policyParameters, policyValues } from '../persistence/policy-columns';
import { prepared } from '../persistence/prepared';

/** The columns DISPATCH_COLUMNS selects (n: notifications, e: events). */
interface DispatchRow extends PolicyRow {
  id: string;
  subscription_id: string;
  environment_id: string;
  event_id: string;
  type: string;
  created_at: Date;
  expires_at: Date;
  url: string;
  redelivered: boolean;
  ordered: boolean;
  trace_id: string | null;
}

const DISPATCH_COLUMNS = `n.id, n.subscription_id, n.environment_id, n.event_id, e.type, e.created_at, n.expires_at, n.url,
  n.redelivered_at IS NOT NULL AS redelivered, n.ordering_key IS NOT NULL AS ordered, e.trace_id, ${policyColumnList('n')}`;

const toDispatch = (row: DispatchRow): NotificationDispatch => ({
  notificationId: row.id,
  subscriptionId: row.subscription_id,
  environmentId: row.environment_id,
  eventId: row.event_id,
  eventType: row.type,
  eventCreatedAt: row.created_at,
  expiresAt: row.expires_at,
  policy: policyOf(row),
  url: row.url,
  trigger: row.redelivered ? 'redeliver' : 'initial',
  ordered: row.ordered,
  traceId: row.trace_id,
});

export type Redelivery =
  | { outcome: 'redelivered'; dispatch: NotificationDispatch }
  | { outcome: 'not_found' }
  | { outcome: 'pending' }
  | { outcome: 'subscription_deleted' }
  | { outcome: 'erased' };

export interface RedeliveryRequest {
  environmentId: string;
  notificationId: string;
  /** The new window, from now. */
  windowMs: number;
  /** The policy the redelivery runs under (the configuration of the process that accepted it). */
  policy: DeliveryPolicy;
  /** Recovery leaves the outbox row to the caller's own start for this long. */
  graceMs: number;
}

/** SQL expressions for what a redelivery sets: parameters ($n) or columns of a recovery (r.window_ms, …). */
interface RedeliverValues {
  graceMs: string;
  windowMs: string;
  policy: Record<keyof DeliveryPolicy, string>;
}

/**
 * SET clause that makes a finished notification pending again with a fresh window and policy, and puts it back in
 * the outbox (dispatched_at NULL), claimed for the grace period so that recovery leaves the first start to the caller.
 */
const redeliverSet = (v: RedeliverValues) => `status = 'pending', completed_at = NULL, next_attempt_at = now(), redelivered_at = now(),
  dispatched_at = NULL, dispatch_claimed_until = now() + make_interval(secs => ${v.graceMs}::float8 / 1000),
  expires_at = now() + make_interval(secs => ${v.windowMs}::float8 / 1000), ${policyAssignments(v.policy)}`;

/** The next place of one notification's ordering key (`$1`), when it has one: for a redelivery. */
const NEXT_PLACE_OF_ONE = `INSERT INTO ordering_keys AS k (subscription_id, ordering_key, last_seq)
  SELECT subscription_id, ordering_key, 1 FROM notifications WHERE id = $1 AND ordering_key IS NOT NULL
  ON CONFLICT (subscription_id, ordering_key) DO UPDATE SET last_seq = k.last_seq + 1
  RETURNING last_seq`;

/**
 * The outbox: a stored notification is its own outbox row until the start of its workflow is confirmed
 * (dispatched_at). Every statement that puts rows in (a redelivery, a recovery's page), claims them for the relay,
 * marks them started or settles them is here; the event's insert (src/persistence/repositories/event.repository.ts)
 * puts in the first ones, in the same statement as the event.
 */
export class OutboxRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Redelivers a notification that succeeded, expired or was cancelled: one transaction, the row locked, so that two
   * concurrent requests cannot both redeliver it. A pending one (still being delivered), one whose subscription
   * was deleted and one whose event's data was erased are refused. An ordered notification takes the last place of its
   * key again: it waits its turn behind the notifications of its key that are pending now.
   */
  async redeliver(request: RedeliveryRequest): Promise<Redelivery> {
    return this.db.transaction(async (tx) => {
      const [found] = await tx.query<{ status: string; subscription_deleted: boolean; erased: boolean }[]>(
        `SELECT n.status, s.deleted_at IS NOT NULL AS subscription_deleted, e.erased_at IS NOT NULL AS erased
         FROM notifications n JOIN subscriptions s ON s.id = n.subscription_id JOIN events e ON e.id = n.event_id
         WHERE n.id = $1 AND n.environment_id = $2 FOR UPDATE OF n`,
        [request.notificationId, request.environmentId],
      );
      if (!found) return { outcome: 'not_found' };
      if (found.erased) return { outcome: 'erased' };
      if (found.subscription_deleted) return { outcome: 'subscription_deleted' };
      if (found.status === 'pending') return { outcome: 'pending' };
      const set = redeliverSet({
        graceMs: '$2',
        windowMs: '$3',
        policy: policyParameters(4),
      });
      const [rows] = await tx.query<[DispatchRow[], number]>(
        `WITH place AS (${NEXT_PLACE_OF_ONE})
         UPDATE notifications n SET ${set}, ordering_seq = COALESCE((SELECT last_seq FROM place), n.ordering_seq)
         FROM events e WHERE n.id = $1 AND e.id = n.event_id RETURNING ${DISPATCH_COLUMNS}`,
        [request.notificationId, request.graceMs, request.windowMs, ...policyValues(request.policy)],
      );
      return { outcome: 'redelivered', dispatch: toDispatch(rows[0]) };
    });
  }

  /**
   * The recovery workflow's step: looks at the next `limit` notifications of the range (by creation time, then ID)
   * and redelivers, in the same statement, those that expired or were cancelled, with the recovery's window and
   * policy. Returns them (to be started: they are outbox rows, so recovery starts any that this step does not) and
   * where the next page starts, or null when the range is done. Nothing is redelivered once the subscription is
   * deleted, nor a notification of an event whose data was erased. A page done twice (its activity retried) finds its
   * notifications pending and leaves them alone. Ordered notifications take the next places of their keys, in the order
   * of the places they had: a range's key order holds.
   */
  async redeliverPage(
    recoveryId: string,
    after: RecoveryCursor | null,
    limit: number,
    graceMs: number,
  ): Promise<{ dispatches: NotificationDispatch[]; next: RecoveryCursor | null }> {
    const set = redeliverSet({
      graceMs: '$5',
      windowMs: 'r.window_ms',
      policy: policyColumnsOf('r'),
    });
    const [row] = await this.db.query<
      {
        seen: number;
        last: RecoveryCursor | null;
        dispatches: (Omit<DispatchRow, 'created_at' | 'expires_at'> & { created_at: string; expires_at: string })[] | null;
      }[]
    >(
      `WITH r AS (SELECT * FROM recoveries WHERE id = $1), page AS (
         SELECT n.id, n.created_at FROM notifications n, r
         WHERE n.subscription_id = r.subscription_id AND n.created_at >= r.range_start AND n.created_at < r.range_end
           AND ($2::timestamptz IS NULL OR (n.created_at, n.id) > ($2::timestamptz, $3::text))
         ORDER BY n.created_at, n.id LIMIT $4
       ), ordered AS (
         SELECT n.id, n.ordering_key, row_number() OVER (PARTITION BY n.ordering_key ORDER BY n.ordering_seq) AS k,
                count(*) OVER (PARTITION BY n.ordering_key) AS c
         FROM page JOIN notifications n ON n.id = page.id JOIN subscriptions s ON s.id = n.subscription_id JOIN events e ON e.id = n.event_id
         WHERE n.ordering_key IS NOT NULL AND s.deleted_at IS NULL AND e.erased_at IS NULL AND n.status IN ${RECOVERABLE}
       ), place AS (
         INSERT INTO ordering_keys AS k (subscription_id, ordering_key, last_seq)
         SELECT r.subscription_id, o.ordering_key, count(*) FROM ordered o, r GROUP BY r.subscription_id, o.ordering_key
         ORDER BY o.ordering_key -- the counters locked in one order, whoever else takes several
         ON CONFLICT (subscription_id, ordering_key) DO UPDATE SET last_seq = k.last_seq + excluded.last_seq
         RETURNING ordering_key, last_seq
       ), places AS (
         SELECT o.id, p.last_seq - o.c + o.k AS seq FROM ordered o JOIN place p ON p.ordering_key = o.ordering_key
       ), redelivery AS (
         UPDATE notifications n SET ${set}, recovery_id = r.id,
           ordering_seq = COALESCE((SELECT seq FROM places WHERE places.id = n.id), n.ordering_seq)
         FROM page, r, events e, subscriptions s
         WHERE n.id = page.id AND e.id = n.event_id AND e.erased_at IS NULL AND s.id = n.subscription_id AND s.deleted_at IS NULL
           AND n.status IN ${RECOVERABLE}
         RETURNING ${DISPATCH_COLUMNS}
       )
       SELECT (SELECT count(*)::int FROM page) AS seen,
              (SELECT json_build_object('at', created_at::text, 'id', id) FROM page ORDER BY created_at DESC, id DESC LIMIT 1) AS last,
              (SELECT json_agg(redelivery) FROM redelivery) AS dispatches`,
      [recoveryId, after?.at ?? null, after?.id ?? null, limit, graceMs],
    );
    const dispatches = (row.dispatches ?? []).map((d) => toDispatch({ ...d, created_at: new Date(d.created_at), expires_at: new Date(d.expires_at) }));
    return { dispatches, next: row.seen < limit ? null : row.last };
  }

  /**
   * Takes out of the outbox the rows of notifications that are no longer pending: they need no workflow (their
   * subscription was deleted before the start, or the start was confirmed but not recorded and the run has ended).
   * Recovery starts pending notifications only, so it never makes a second run of a notification that is done.
   */
  async settleFinished(): Promise<number> {
    const [, settled] = await this.db.query<[unknown, number]>(
      `UPDATE notifications SET dispatched_at = now() WHERE dispatched_at IS NULL AND status <> 'pending'`,
    );
    return settled;
  }

  /** Records that these notifications' workflows exist, so recovery no longer needs to start them. */
  async markDispatched(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await prepared(this.db, `UPDATE notifications SET dispatched_at = now() WHERE id = ANY ($1::text[]) AND dispatched_at IS NULL`, [ids]);
  }

  /** The database's clock: claims are compared with it, never with this process's. */
  async databaseNow(): Promise<Date> {
    const [{ now }] = await this.db.query<{ now: Date }[]>(`SELECT now() AS now`);
    return now;
  }

  /**
   * Claims up to `limit` pending notifications stored more than `olderThanMs` ago whose workflow start was never
   * confirmed (the outbox) and that nobody has claimed since `notClaimedSince`: each for `leaseMs`, oldest first.
   * Rows that another process is claiming right now are skipped, not waited for, so concurrent claimers never get the
   * same row. A redelivered row is claimed once its own grace (dispatch_claimed_until) has passed.
   */
  async claimUndispatched(claim: { olderThanMs: number; notClaimedSince: Date; leaseMs: number; limit: number }): Promise<NotificationDispatch[]> {
    const [rows] = await this.db.query<[DispatchRow[], number]>(
      `UPDATE notifications n SET dispatch_claimed_until = now() + make_interval(secs => $3::float8 / 1000)
       FROM events e
       WHERE e.id = n.event_id AND n.id IN (
         SELECT id FROM notifications
         WHERE dispatched_at IS NULL AND status = 'pending' AND created_at < now() - make_interval(secs => $1::float8 / 1000)
           AND (dispatch_claimed_until IS NULL OR dispatch_claimed_until < $2)
         ORDER BY created_at LIMIT $4
         FOR UPDATE SKIP LOCKED)
       RETURNING ${DISPATCH_COLUMNS}`,
      [claim.olderThanMs, claim.notClaimedSince, claim.leaseMs, claim.limit],
    );
    return rows.map(toDispatch);
  }
}
