import type { DataSource } from 'typeorm';
import type { DeliveryPolicy } from '../../domain/retry-schedule';
import { RECOVERABLE_NOTIFICATION_STATUSES } from '../../domain/statuses';
import { RecoveryEntity } from '../entities';
import { policyColumnList, policyValues } from '../policy-columns';

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
export const RECOVERABLE = `(${RECOVERABLE_NOTIFICATION_STATUSES.map((status) => `'${status}'`).join(', ')})`;

export class RecoveryRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Records a recovery of a live subscription over [since, until), counting the notifications it will redeliver.
   * The subscription row is locked, so that of two concurrent requests over overlapping ranges one sees the other's
   * recovery: a running recovery over an overlapping range refuses the new one.
   */
  async create(input: NewRecovery): Promise<RecoveryCreation> {
    return this.db.transaction(async (tx) => {
      const live = await tx.query<unknown[]>(`SELECT id FROM subscriptions WHERE id = $1 AND environment_id = $2 AND deleted_at IS NULL FOR NO KEY UPDATE`, [
        input.subscriptionId,
        input.environmentId,
      ]);
      if (live.length === 0) return { outcome: 'not_found' };
      const [running] = await tx.query<{ id: string }[]>(
        `SELECT id FROM recoveries WHERE subscription_id = $1 AND status = 'running' AND range_start < $3 AND $2 < range_end ORDER BY id LIMIT 1`,
        [input.subscriptionId, input.since, input.until],
      );
      if (running) return { outcome: 'overlapping', runningId: running.id };
      await tx.query(
        `INSERT INTO recoveries (id, environment_id, subscription_id, range_start, range_end, total, window_ms, ${policyColumnList()})
         SELECT $1, $2, $3, $4, $5, count(*), $6, $7, $8, $9, $10 FROM notifications n
         WHERE subscription_id = $3 AND created_at >= $4 AND created_at < $5 AND status IN ${RECOVERABLE}
           -- an event whose data was erased is never delivered again (outbox.repository.ts redeliverPage skips it)
           AND NOT EXISTS (SELECT 1 FROM events e WHERE e.id = n.event_id AND e.erased_at IS NOT NULL)`,
        [input.id, input.environmentId, input.subscriptionId, input.since, input.until, input.windowMs, ...policyValues(input.policy)],
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
    const [counts] = await this.db.query<Omit<RecoveryProgress, 'recovery'>[]>(
      `SELECT count(*) FILTER (WHERE dispatched_at IS NOT NULL OR status <> 'pending')::int AS started,
              count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded, count(*) FILTER (WHERE status = 'expired')::int AS expired,
              count(*) FILTER (WHERE status = 'pending')::int AS pending
       FROM notifications WHERE recovery_id = $1`,
      [id],
    );
    return { recovery, ...counts };
  }

  /** Every redelivery of the recovery has been started (or left to the outbox): it is completed. */
  async complete(recoveryId: string): Promise<void> {
    await this.db.query(`UPDATE recoveries SET status = 'completed', completed_at = now() WHERE id = $1 AND status = 'running'`, [recoveryId]);
  }
}
