import type { DataSource } from 'typeorm';
import type {
  AttemptRecord,
  BreakerAttempt,
  DeliveryContext,
  DeliveryStart,
  DeliveryStore,
  NotificationDispatch,
  RecordedAttempt,
} from '../../domain/delivery';
import type { BreakerChange, BreakerSnapshot } from '../../domain/gate';
import type { ExpiryReason, OperationalEvent } from '../../domain/operational-events';
import type { BreakerState, DisabledReason, NotificationStatus, RecoverableNotificationStatus } from '../../domain/statuses';
import type { KeyRing } from '../../crypto/key-ring';
import type { OperationalEventRepository, Queryable } from './operational-event.repository';
import { openSigningKey } from './signing-key.repository';
import { type DeliveryRow, attemptParameters, fromJson, inMs, msFromNow, NOW_MS } from './delivery.sql';
import { LOAD_AND_START, LOAD_DELIVERY, NOTE_FAILURE, RECORD_ATTEMPT } from './delivery.sql';
import { prepared } from '../prepared';

/** Operational events raised by the delivery's storage (issue 20): a subscription disabled, a notification expired. */
export interface OperationalHooks {
  events: Pick<OperationalEventRepository, 'raise'>;
  /** Told, after the commit, of the operational notifications stored: to start their workflows now (the outbox relay would later). */
  raised?: (dispatches: NotificationDispatch[]) => void;
}

/** The worker's side of storage: one query to load a delivery, one statement to record an attempt. */
export class DeliveryRepository implements DeliveryStore {
  constructor(
    private readonly db: DataSource,
    private readonly keyRing: KeyRing,
    /** Without them no operational event is raised. */
    private readonly operational?: OperationalHooks,
  ) {}

  /**
   * The notification with its subscription as it is now: its current URL, status and keys. With `start`, one
   * statement also starts the attempt when nothing stands before its POST (LOAD_AND_START): startAttempt's guarantees,
   * without its round trip and its commit.
   */
  async loadDelivery(notificationId: string, start?: DeliveryStart): Promise<DeliveryContext | null> {
    const rows = start
      ? await prepared<DeliveryRow>(this.db, LOAD_AND_START, [
          notificationId,
          start.forMs,
          start.gate.defaultRateLimit,
          start.gate.defaultMaxInFlight,
          start.gate.releaseRate,
        ])
      : await prepared<DeliveryRow>(this.db, LOAD_DELIVERY, [notificationId]);
    const row = rows[0];
    if (!row) return null;
    return {
      notificationId,
      status: row.status,
      attemptCount: row.attempt_count,
      url: row.url,
      allowPrivateTargets: row.allow_private_targets,
      subscriptionId: row.subscription_id,
      subscriptionStatus: row.subscription_status,
      subscriptionDeleted: row.subscription_deleted,
      secrets: (row.keys ?? []).map((key) => openSigningKey(this.keyRing, fromJson(key))),
      gate: {
        rateLimit: row.rate_limit,
        maxInFlight: row.max_in_flight,
        breakerState: row.breaker_state,
        breakerInMs: row.breaker_in_ms,
        releaseInMs: row.release_in_ms,
        slotInMs: row.slot_in_ms,
        consecutiveFailures: row.consecutive_failures,
      },
      event: { id: row.event_id, type: row.type, environmentId: row.environment_id, createdAt: row.created_at, dataJson: row.data_json, test: row.test },
      waitsFor: row.turn_head === null ? null : { headId: row.turn_head },
      started: row.started,
    };
  }

  /**
   * Locks the notification's row against the delete's cancel (subscription.repository.ts softDelete): either the
   * delete's cancel comes first and this finds it no longer pending, or this comes first and the delete sees the
   * attempt in flight and waits for it.
   */
  async startAttempt(notificationId: string, forMs: number): Promise<boolean> {
    const [, started] = await this.db.query<[unknown, number]>(
      `UPDATE notifications SET attempt_in_flight_until = now() + make_interval(secs => $2::float8 / 1000)
       WHERE id = $1 AND status = 'pending'`,
      [notificationId, forMs],
    );
    return started === 1;
  }

  async endAttempt(notificationId: string): Promise<void> {
    await this.db.query(`UPDATE notifications SET attempt_in_flight_until = NULL WHERE id = $1 AND attempt_in_flight_until IS NOT NULL`, [notificationId]);
  }

  async recordAttempt(record: AttemptRecord): Promise<RecordedAttempt> {
    const rows = await prepared<RecordedAttempt>(this.db, RECORD_ATTEMPT, attemptParameters(record));
    const recorded = rows[0];
    if (!recorded) throw new Error(`notification ${record.notificationId} not found while recording an attempt`);
    return recorded;
  }

  /** Raises `notification.expired` with the expiry, in its transaction (when operational hooks are given). */
  async markExpired(notificationId: string, expiresAt: Date | null): Promise<NotificationStatus | null> {
    return this.withOperationalEvents(async (tx, raise) => {
      const finished = await this.finish(tx, notificationId, 'expired', expiresAt);
      if (finished.changed) {
        const { environmentId, subscriptionId, reason } = finished.changed;
        await raise({ type: 'notification.expired', environmentId, subscriptionId, notificationId, reason });
      }
      return finished.status;
    });
  }

  async markCancelled(notificationId: string): Promise<NotificationStatus | null> {
    return (await this.finish(this.db, notificationId, 'cancelled', null)).status;
  }

  /** Raises `subscription.disabled` with the disable, in its transaction (when operational hooks are given). */
  async noteFailure(
    subscriptionId: string,
    failure: { at: Date; gone: boolean; autoDisableAfterMs: number; notificationId?: string },
  ): Promise<DisabledReason | null> {
    return this.withOperationalEvents(async (tx, raise) => {
      const rows = await tx.query<[{ reason: DisabledReason | null; environment_id: string }[], number]>(NOTE_FAILURE, [
        subscriptionId,
        failure.at,
        failure.gone,
        failure.autoDisableAfterMs,
      ]);
      const disabled = rows[0]?.[0];
      if (!disabled?.reason) return null;
      await raise({
        type: 'subscription.disabled',
        environmentId: disabled.environment_id,
        subscriptionId,
        notificationId: failure.notificationId ?? null,
        reason: disabled.reason,
      });
      return disabled.reason;
    });
  }

  async claimProbe(subscriptionId: string, leaseMs: number): Promise<boolean> {
    const [rows] = await this.db.query<[unknown[], number]>(
      `UPDATE subscriptions SET breaker_state = 'half-open', breaker_until = ${inMs('$2')}
       WHERE id = $1 AND breaker_state <> 'closed' AND (breaker_until IS NULL OR breaker_until <= clock_timestamp())
       RETURNING id`,
      [subscriptionId, leaseMs],
    );
    return rows.length > 0;
  }

  /** One statement: the subscription's next free slot moves on by `everyMs`, and the notification remembers the one it got. */
  async reserveSlot(subscriptionId: string, notificationId: string, everyMs: number): Promise<number> {
    const rows = await this.db.query<{ in_ms: number }[]>(
      `WITH slot AS (
         UPDATE subscriptions SET gate_next_at = GREATEST(gate_next_at, clock_timestamp()) + make_interval(secs => $3::float8 / 1000)
         WHERE id = $1
         RETURNING gate_next_at - make_interval(secs => $3::float8 / 1000) AS at
       ), remembered AS (
         UPDATE notifications SET gate_slot = (SELECT at FROM slot) WHERE id = $2
       )
       SELECT ${msFromNow('at')} AS in_ms FROM slot`,
      [subscriptionId, notificationId, everyMs],
    );
    return rows[0]?.in_ms ?? 0;
  }

  /**
   * One statement: the leases that have not run out, plus this notification's, if fewer than `max` others are live.
   * Concurrent calls queue on the row's lock, and each one's WHERE is evaluated again on the row the previous one wrote.
   */
  async acquireLease(subscriptionId: string, notificationId: string, max: number, leaseMs: number): Promise<boolean> {
    const live = `FROM jsonb_each(s.in_flight) l WHERE (l.value::text)::float8 > ${NOW_MS} AND l.key <> $2`;
    const [rows] = await this.db.query<[unknown[], number]>(
      `UPDATE subscriptions s
       SET in_flight = (SELECT COALESCE(jsonb_object_agg(l.key, l.value), '{}'::jsonb) ${live}) || jsonb_build_object($2::text, ${NOW_MS} + $4::float8)
       WHERE s.id = $1 AND (SELECT count(*) ${live}) < $3
       RETURNING s.id`,
      [subscriptionId, notificationId, max, leaseMs],
    );
    return rows.length > 0;
  }

  async releaseLease(subscriptionId: string, notificationId: string): Promise<void> {
    await this.db.query(`UPDATE subscriptions SET in_flight = in_flight - $2::text WHERE id = $1 AND jsonb_exists(in_flight, $2)`, [
      subscriptionId,
      notificationId,
    ]);
  }

  /**
   * Reads the breaker under the row's lock, lets `change` decide (src/domain/gate.ts), and writes the result in the
   * same transaction. A release after an open breaker lasts as long as the pending notifications take at its pace.
   */
  /**
   * Raises `subscription.breaker_opened` when a closed breaker opens (a failed probe reopening it raises nothing
   * more) and `subscription.breaker_closed` when an open one closes, in the change's transaction.
   */
  async updateBreaker(
    subscriptionId: string,
    change: (current: BreakerSnapshot) => BreakerChange | null,
    attempt: BreakerAttempt | null = null,
  ): Promise<{ before: BreakerState; after: BreakerState } | null> {
    return this.withOperationalEvents(async (tx, raise) => {
      const rows = await tx.query<{ breaker_state: BreakerState; consecutive_failures: number; until_in_ms: number | null; environment_id: string }[]>(
        `SELECT breaker_state, consecutive_failures, ${msFromNow('breaker_until')} AS until_in_ms, environment_id FROM subscriptions WHERE id = $1 FOR UPDATE`,
        [subscriptionId],
      );
      const row = rows[0];
      if (!row) return null;
      const next = change({ state: row.breaker_state, untilInMs: row.until_in_ms, failures: row.consecutive_failures });
      if (!next) return null;
      const [updated] = await tx.query<[{ until: Date | null }[], number]>(
        `UPDATE subscriptions
         SET breaker_state = $2, consecutive_failures = $3,
             breaker_until = CASE WHEN $4::float8 IS NULL THEN NULL ELSE ${inMs('$4')} END,
             release_until = CASE WHEN $5::float8 IS NULL THEN release_until ELSE clock_timestamp() + make_interval(secs =>
               (SELECT count(*) FROM notifications WHERE subscription_id = $1 AND status = 'pending')::float8 / $5::float8) END
         WHERE id = $1
         RETURNING breaker_until AS until`,
        [subscriptionId, next.state, next.failures, next.openForMs, next.releaseRate],
      );
      const { environment_id: environmentId } = row;
      if (row.breaker_state === 'closed' && next.state === 'open') {
        const until = updated[0]?.until ?? null;
        await raise({
          type: 'subscription.breaker_opened',
          environmentId,
          subscriptionId,
          notificationId: attempt?.notificationId ?? null,
          reason: attempt?.retryAfter ? 'retry_after' : 'consecutive_failures',
          details: { until: until?.toISOString() ?? null },
        });
      } else if (row.breaker_state !== 'closed' && next.state === 'closed') {
        await raise({ type: 'subscription.breaker_closed', environmentId, subscriptionId, notificationId: null, reason: 'recovered' });
      }
      return { before: row.breaker_state, after: next.state };
    });
  }

  /**
   * Runs `work` in a transaction with a `raise` that stores operational events in it; once committed, the stored
   * notifications are handed to `raised`. Without operational hooks, `raise` stores nothing.
   */
  private async withOperationalEvents<T>(work: (tx: Queryable, raise: (event: OperationalEvent) => Promise<void>) => Promise<T>): Promise<T> {
    const operational = this.operational;
    const dispatches: NotificationDispatch[] = [];
    const result = await this.db.transaction((tx) =>
      work(tx, async (event) => {
        const dispatch = operational ? await operational.events.raise(event, tx) : null;
        if (dispatch) dispatches.push(dispatch);
      }),
    );
    if (dispatches.length > 0) operational?.raised?.(dispatches);
    return result;
  }

  /**
   * Ends a still-pending notification with `status`; returns its final status either way (null when it is gone), and
   * what changed when this call ended it: its environment, subscription and why it expired (its subscription's status).
   * With `windowEnd`, only a notification whose expires_at is not later (to the millisecond, as the workflow got it):
   * one that was redelivered since has a new window, which a late call for the old one must not close.
   */
  private async finish(
    db: Queryable,
    notificationId: string,
    status: RecoverableNotificationStatus,
    windowEnd: Date | null,
  ): Promise<{ status: NotificationStatus | null; changed: { environmentId: string; subscriptionId: string; reason: ExpiryReason } | null }> {
    const rows = await db.query<{ status: NotificationStatus; changed: boolean; environment_id: string; subscription_id: string; reason: ExpiryReason }[]>(
      `WITH finished AS (
         UPDATE notifications n SET status = $2, completed_at = now(), next_attempt_at = NULL
         WHERE id = $1 AND status = 'pending' AND ($3::timestamptz IS NULL OR date_trunc('milliseconds', expires_at) <= $3)
         RETURNING n.status, n.environment_id, n.subscription_id
       )
       SELECT f.status, true AS changed, f.environment_id, f.subscription_id,
              CASE WHEN s.status = 'active' THEN 'exhausted' ELSE s.status END AS reason
       FROM finished f JOIN subscriptions s ON s.id = f.subscription_id
       UNION ALL
       SELECT status, false, environment_id, subscription_id, NULL FROM notifications WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM finished)`,
      [notificationId, status, windowEnd],
    );
    const row = rows[0];
    if (!row) return { status: null, changed: null };
    return {
      status: row.status,
      changed: row.changed ? { environmentId: row.environment_id, subscriptionId: row.subscription_id, reason: row.reason } : null,
    };
  }
}
