import type { DataSource } from 'typeorm';
import type { DeliveryPolicy } from '../../domain/retry-schedule';
import type { DeliveryTrigger, SubscriptionStatus } from '../../domain/statuses';
import { AttemptEntity, NotificationEntity } from '../entities';

/** What it takes to start a notification's workflow. */
export interface NotificationDispatch {
  notificationId: string;
  subscriptionId: string;
  environmentId: string;
  eventId: string;
  eventType: string;
  eventCreatedAt: Date;
  expiresAt: Date;
  /** The policy stored with the notification (when it was created, or last redelivered). */
  policy: DeliveryPolicy;
  /** The URL the notification is delivered to (its host names the workflow in the Web UI). */
  url: string;
  /** `redeliver`: a new run of a workflow ID whose earlier run has closed. */
  trigger: DeliveryTrigger;
}

/** The columns DISPATCH_COLUMNS selects (n: notifications, e: events). */
export interface DispatchRow {
  id: string;
  subscription_id: string;
  environment_id: string;
  event_id: string;
  type: string;
  created_at: Date;
  expires_at: Date;
  url: string;
  redelivered: boolean;
  retry_initial_interval_ms: number;
  retry_maximum_interval_ms: number;
  retry_backoff_coefficient: number;
  attempt_timeout_ms: number;
}

export const DISPATCH_COLUMNS = `n.id, n.subscription_id, n.environment_id, n.event_id, e.type, e.created_at, n.expires_at, n.url,
  n.redelivered_at IS NOT NULL AS redelivered, n.retry_initial_interval_ms, n.retry_maximum_interval_ms, n.retry_backoff_coefficient,
  n.attempt_timeout_ms`;

export const toDispatch = (row: DispatchRow): NotificationDispatch => ({
  notificationId: row.id,
  subscriptionId: row.subscription_id,
  environmentId: row.environment_id,
  eventId: row.event_id,
  eventType: row.type,
  eventCreatedAt: row.created_at,
  expiresAt: row.expires_at,
  policy: {
    initialIntervalMs: row.retry_initial_interval_ms,
    maximumIntervalMs: row.retry_maximum_interval_ms,
    backoffCoefficient: row.retry_backoff_coefficient,
    attemptTimeoutMs: row.attempt_timeout_ms,
  },
  url: row.url,
  trigger: row.redelivered ? 'redeliver' : 'initial',
});

export type Redelivery =
  | { outcome: 'redelivered'; dispatch: NotificationDispatch }
  | { outcome: 'not_found' }
  | { outcome: 'pending' }
  | { outcome: 'subscription_deleted' };

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
export interface RedeliverValues {
  graceMs: string;
  windowMs: string;
  initialIntervalMs: string;
  maximumIntervalMs: string;
  backoffCoefficient: string;
  attemptTimeoutMs: string;
}

/**
 * SET clause that makes a finished notification pending again with a fresh window and policy, and puts it back in
 * the outbox (dispatched_at NULL), claimed for the grace period so that recovery leaves the first start to the caller.
 */
export const redeliverSet = (v: RedeliverValues) => `status = 'pending', completed_at = NULL, next_attempt_at = now(), redelivered_at = now(),
  dispatched_at = NULL, dispatch_claimed_until = now() + make_interval(secs => ${v.graceMs}::float8 / 1000),
  expires_at = now() + make_interval(secs => ${v.windowMs}::float8 / 1000), retry_initial_interval_ms = ${v.initialIntervalMs},
  retry_maximum_interval_ms = ${v.maximumIntervalMs}, retry_backoff_coefficient = ${v.backoffCoefficient}, attempt_timeout_ms = ${v.attemptTimeoutMs}`;

export class NotificationRepository {
  constructor(private readonly db: DataSource) {}

  async findInEnvironment(environmentId: string, id: string): Promise<NotificationEntity | null> {
    return this.db.getRepository(NotificationEntity).findOneBy({ id, environmentId });
  }

  async findByEvent(eventId: string): Promise<NotificationEntity[]> {
    return this.db.getRepository(NotificationEntity).find({ where: { eventId }, order: { id: 'ASC' } });
  }

  async subscriptionStatusOf(subscriptionId: string): Promise<SubscriptionStatus | null> {
    const rows = (await this.db.query(`SELECT status FROM subscriptions WHERE id = $1`, [subscriptionId])) as { status: SubscriptionStatus }[];
    return rows[0]?.status ?? null;
  }

  /** IDs of a subscription's pending notifications (held ones among them). */
  async pendingIdsOf(subscriptionId: string): Promise<string[]> {
    const rows = (await this.db.query(`SELECT id FROM notifications WHERE subscription_id = $1 AND status = 'pending' ORDER BY id`, [subscriptionId])) as {
      id: string;
    }[];
    return rows.map((row) => row.id);
  }

  /** How many notifications are pending (held ones among them): the partial index on pending rows answers it. */
  async countPending(): Promise<number> {
    const [{ count }] = (await this.db.query(`SELECT count(*)::int AS count FROM notifications WHERE status = 'pending'`)) as { count: number }[];
    return count;
  }

  async findAttempts(notificationId: string): Promise<AttemptEntity[]> {
    return this.db.getRepository(AttemptEntity).find({ where: { notificationId }, order: { number: 'ASC' } });
  }

  /**
   * Redelivers a notification that succeeded, expired or was cancelled: one transaction, the row locked, so that two
   * concurrent requests cannot both redeliver it. A pending one (still being delivered) and one whose subscription
   * was deleted are refused.
   */
  async redeliver(request: RedeliveryRequest): Promise<Redelivery> {
    return this.db.transaction(async (tx) => {
      const [found] = (await tx.query(
        `SELECT n.status, s.deleted_at IS NOT NULL AS subscription_deleted
         FROM notifications n JOIN subscriptions s ON s.id = n.subscription_id
         WHERE n.id = $1 AND n.environment_id = $2 FOR UPDATE OF n`,
        [request.notificationId, request.environmentId],
      )) as { status: string; subscription_deleted: boolean }[];
      if (!found) return { outcome: 'not_found' };
      if (found.subscription_deleted) return { outcome: 'subscription_deleted' };
      if (found.status === 'pending') return { outcome: 'pending' };
      const set = redeliverSet({ graceMs: '$2', windowMs: '$3', initialIntervalMs: '$4', maximumIntervalMs: '$5', backoffCoefficient: '$6', attemptTimeoutMs: '$7' });
      const { policy } = request;
      const [rows] = (await tx.query(`UPDATE notifications n SET ${set} FROM events e WHERE n.id = $1 AND e.id = n.event_id RETURNING ${DISPATCH_COLUMNS}`, [
        request.notificationId,
        request.graceMs,
        request.windowMs,
        policy.initialIntervalMs,
        policy.maximumIntervalMs,
        policy.backoffCoefficient,
        policy.attemptTimeoutMs,
      ])) as [DispatchRow[], number];
      return { outcome: 'redelivered', dispatch: toDispatch(rows[0]) };
    });
  }

  /**
   * Takes out of the outbox the rows of notifications that are no longer pending: they need no workflow (their
   * subscription was deleted before the start, or the start was confirmed but not recorded and the run has ended).
   * Recovery starts pending notifications only, so it never makes a second run of a notification that is done.
   */
  async settleFinished(): Promise<number> {
    const [, settled] = (await this.db.query(`UPDATE notifications SET dispatched_at = now() WHERE dispatched_at IS NULL AND status <> 'pending'`)) as [unknown, number];
    return settled;
  }

  /** Records that these notifications' workflows exist, so recovery no longer needs to start them. */
  async markDispatched(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.query(`UPDATE notifications SET dispatched_at = now() WHERE id = ANY ($1::text[]) AND dispatched_at IS NULL`, [ids]);
  }

  /** The database's clock: claims are compared with it, never with this process's. */
  async databaseNow(): Promise<Date> {
    const [{ now }] = (await this.db.query(`SELECT now() AS now`)) as { now: Date }[];
    return now;
  }

  /**
   * Claims up to `limit` pending notifications stored more than `olderThanMs` ago whose workflow start was never
   * confirmed (the outbox) and that nobody has claimed since `notClaimedSince`: each for `leaseMs`, oldest first.
   * Rows that another process is claiming right now are skipped, not waited for, so concurrent claimers never get the
   * same row. A redelivered row is claimed once its own grace (dispatch_claimed_until) has passed.
   */
  async claimUndispatched(claim: { olderThanMs: number; notClaimedSince: Date; leaseMs: number; limit: number }): Promise<NotificationDispatch[]> {
    const [rows] = (await this.db.query(
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
    )) as [DispatchRow[], number];
    return rows.map(toDispatch);
  }
}
