import type { DataSource } from 'typeorm';
import type { RecoveryCursor } from '../../../workflows/types';
import type { DeliveryPolicy } from '../../domain/retry-schedule';
import { RECOVERABLE_NOTIFICATION_STATUSES } from '../../domain/statuses';
import { RecoveryEntity } from '../entities';
import { DISPATCH_COLUMNS, type DispatchRow, type NotificationDispatch, redeliverSet, toDispatch } from './notification.repository';

export interface NewRecovery {
  id: string;
  environmentId: string;
  subscriptionId: string;
  since: Date;
  until: Date;
  /** The window and policy each redelivery gets: those of the process that accepted the recovery. */
  windowMs: number;
  policy: DeliveryPolicy;
}

export type RecoveryCreation = { outcome: 'created'; recovery: RecoveryEntity } | { outcome: 'not_found' } | { outcome: 'overlapping'; runningId: string };

/** A recovery with what became of the notifications it redelivered, counted from the notifications themselves. */
export interface RecoveryProgress {
  recovery: RecoveryEntity;
  /** Redelivered, and their workflow started (or already done). */
  started: number;
  succeeded: number;
  expired: number;
  pending: number;
}

/** The statuses a recovery redelivers, as an SQL list: constants of ours, never input. */
const RECOVERABLE = `(${RECOVERABLE_NOTIFICATION_STATUSES.map((status) => `'${status}'`).join(', ')})`;

export class RecoveryRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Records a recovery of a live subscription over [since, until), counting the notifications it will redeliver.
   * The subscription row is locked, so that of two concurrent requests over overlapping ranges one sees the other's
   * recovery: a running recovery over an overlapping range refuses the new one.
   */
  async create(input: NewRecovery): Promise<RecoveryCreation> {
    return this.db.transaction(async (tx) => {
      const live = (await tx.query(`SELECT id FROM subscriptions WHERE id = $1 AND environment_id = $2 AND deleted_at IS NULL FOR NO KEY UPDATE`, [
        input.subscriptionId,
        input.environmentId,
      ])) as unknown[];
      if (live.length === 0) return { outcome: 'not_found' };
      const [running] = (await tx.query(
        `SELECT id FROM recoveries WHERE subscription_id = $1 AND status = 'running' AND range_start < $3 AND $2 < range_end ORDER BY id LIMIT 1`,
        [input.subscriptionId, input.since, input.until],
      )) as { id: string }[];
      if (running) return { outcome: 'overlapping', runningId: running.id };
      const { policy } = input;
      await tx.query(
        `INSERT INTO recoveries (id, environment_id, subscription_id, range_start, range_end, total, window_ms, retry_initial_interval_ms,
                                 retry_maximum_interval_ms, retry_backoff_coefficient, attempt_timeout_ms)
         SELECT $1, $2, $3, $4, $5, count(*), $6, $7, $8, $9, $10 FROM notifications
         WHERE subscription_id = $3 AND created_at >= $4 AND created_at < $5 AND status IN ${RECOVERABLE}`,
        [input.id, input.environmentId, input.subscriptionId, input.since, input.until, input.windowMs, policy.initialIntervalMs, policy.maximumIntervalMs, policy.backoffCoefficient, policy.attemptTimeoutMs],
      );
      return { outcome: 'created', recovery: await tx.findOneByOrFail(RecoveryEntity, { id: input.id }) };
    });
  }

  /** Its workflow could not be started: the recovery ends here, and no longer blocks a new one over its range. */
  async markFailed(id: string): Promise<void> {
    await this.db.query(`UPDATE recoveries SET status = 'failed', completed_at = now() WHERE id = $1 AND status = 'running'`, [id]);
  }

  async findProgress(environmentId: string, id: string): Promise<RecoveryProgress | null> {
    const recovery = await this.db.getRepository(RecoveryEntity).findOneBy({ id, environmentId });
    if (!recovery) return null;
    const [counts] = (await this.db.query(
      `SELECT count(*) FILTER (WHERE dispatched_at IS NOT NULL OR status <> 'pending')::int AS started,
              count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded, count(*) FILTER (WHERE status = 'expired')::int AS expired,
              count(*) FILTER (WHERE status = 'pending')::int AS pending
       FROM notifications WHERE recovery_id = $1`,
      [id],
    )) as Omit<RecoveryProgress, 'recovery'>[];
    return { recovery, ...counts };
  }

  /**
   * The recovery workflow's step: looks at the next `limit` notifications of the range (by creation time, then ID)
   * and redelivers, in the same statement, those that expired or were cancelled, with the recovery's window and
   * policy. Returns them (to be started: they are outbox rows, so recovery starts any that this step does not) and
   * where the next page starts, or null when the range is done. Nothing is redelivered once the subscription is
   * deleted. A page done twice (its activity retried) finds its notifications pending and leaves them alone.
   */
  async redeliverPage(recoveryId: string, after: RecoveryCursor | null, limit: number, graceMs: number): Promise<{ dispatches: NotificationDispatch[]; next: RecoveryCursor | null }> {
    const set = redeliverSet({
      graceMs: '$5',
      windowMs: 'r.window_ms',
      initialIntervalMs: 'r.retry_initial_interval_ms',
      maximumIntervalMs: 'r.retry_maximum_interval_ms',
      backoffCoefficient: 'r.retry_backoff_coefficient',
      attemptTimeoutMs: 'r.attempt_timeout_ms',
    });
    const [row] = (await this.db.query(
      `WITH r AS (SELECT * FROM recoveries WHERE id = $1), page AS (
         SELECT n.id, n.created_at FROM notifications n, r
         WHERE n.subscription_id = r.subscription_id AND n.created_at >= r.range_start AND n.created_at < r.range_end
           AND ($2::timestamptz IS NULL OR (n.created_at, n.id) > ($2::timestamptz, $3::text))
         ORDER BY n.created_at, n.id LIMIT $4
       ), redelivery AS (
         UPDATE notifications n SET ${set}, recovery_id = r.id
         FROM page, r, events e, subscriptions s
         WHERE n.id = page.id AND e.id = n.event_id AND s.id = n.subscription_id AND s.deleted_at IS NULL AND n.status IN ${RECOVERABLE}
         RETURNING ${DISPATCH_COLUMNS}
       )
       SELECT (SELECT count(*)::int FROM page) AS seen,
              (SELECT json_build_object('at', created_at::text, 'id', id) FROM page ORDER BY created_at DESC, id DESC LIMIT 1) AS last,
              (SELECT json_agg(redelivery) FROM redelivery) AS dispatches`,
      [recoveryId, after?.at ?? null, after?.id ?? null, limit, graceMs],
    )) as { seen: number; last: RecoveryCursor | null; dispatches: (Omit<DispatchRow, 'created_at' | 'expires_at'> & { created_at: string; expires_at: string })[] | null }[];
    const dispatches = (row.dispatches ?? []).map((d) => toDispatch({ ...d, created_at: new Date(d.created_at), expires_at: new Date(d.expires_at) }));
    return { dispatches, next: row.seen < limit ? null : row.last };
  }

  /** Every redelivery of the recovery has been started (or left to the outbox): it is completed. */
  async complete(recoveryId: string): Promise<void> {
    await this.db.query(`UPDATE recoveries SET status = 'completed', completed_at = now() WHERE id = $1 AND status = 'running'`, [recoveryId]);
  }
}
