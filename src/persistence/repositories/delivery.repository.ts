import type { DataSource } from 'typeorm';
import type { AttemptRecord, BreakerAttempt, DeliveryContext, DeliveryStore, NotificationDispatch, RecordedAttempt } from '../../domain/delivery';
import type { BreakerChange, BreakerSnapshot } from '../../domain/gate';
import type { ExpiryReason, OperationalEvent } from '../../domain/operational-events';
import type { BreakerState, DisabledReason, NotificationStatus, RecoverableNotificationStatus, SubscriptionStatus } from '../../domain/statuses';
import type { KeyRing } from '../../crypto/key-ring';
import type { OperationalEventRepository, Queryable } from './operational-event.repository';
import { openSigningKey, type StoredSigningKey } from './signing-key.repository';

/** A live signing key as loadDelivery's JSON carries it: StoredSigningKey with its bytea columns in base64. */
type StoredKeyJson = Omit<StoredSigningKey, 'iv' | 'ciphertext' | 'tag'> & { iv: string | null; ciphertext: string | null; tag: string | null };

interface DeliveryRow {
  status: NotificationStatus;
  attempt_count: number;
  url: string;
  allow_private_targets: boolean;
  subscription_id: string;
  subscription_status: SubscriptionStatus;
  subscription_deleted: boolean;
  rate_limit: number | null;
  max_in_flight: number | null;
  breaker_state: BreakerState;
  consecutive_failures: number;
  breaker_in_ms: number | null;
  release_in_ms: number | null;
  slot_in_ms: number | null;
  /** An ordered notification's key's head, while an earlier notification of its key is pending. */
  turn_head: string | null;
  /** The live signing keys as stored (sealed; bytea as base64), newest first. */
  keys: StoredKeyJson[] | null;
  event_id: string;
  type: string;
  environment_id: string;
  created_at: Date;
  data_json: string;
}

/** Milliseconds from the database's now until a timestamp column (negative once past; null for null). */
const msFromNow = (column: string) => `(EXTRACT(EPOCH FROM (${column} - clock_timestamp())) * 1000)::float8`;
/** A timestamp `$n` milliseconds from the database's now. */
const inMs = (param: string) => `clock_timestamp() + make_interval(secs => ${param}::float8 / 1000)`;
/** The database's now, in epoch milliseconds (the in-flight leases' unit). */
const NOW_MS = `(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::float8`;

/** PostgreSQL text cannot hold NUL characters, which a receiver's response body may contain. */
const storable = (text: string | null) => (text === null ? null : text.replace(/\u0000/g, '\uFFFD'));

const bytes = (base64: string | null) => (base64 === null ? null : Buffer.from(base64, 'base64'));
const fromJson = (key: StoredKeyJson): StoredSigningKey => ({ ...key, iv: bytes(key.iv), ciphertext: bytes(key.ciphertext), tag: bytes(key.tag) });

/** The columns of one attempt row, in the order of RECORD_ATTEMPT's parameters ($1 … $13). */
function attemptParameters(record: AttemptRecord): unknown[] {
  const row = {
    id: record.attemptId,
    notificationId: record.notificationId,
    startedAt: record.startedAt,
    endedAt: record.endedAt,
    durationMs: record.endedAt.getTime() - record.startedAt.getTime(),
    statusCode: record.statusCode,
    error: storable(record.error),
    succeeded: record.succeeded,
    responseBody: storable(record.responseBody),
    nextAttemptAt: record.nextAttemptAt,
    retryAfterMs: record.retryAfterMs,
    trigger: record.trigger,
    url: record.url,
  };
  return Object.values(row);
}

/**
 * Stores the attempt and updates the notification in one statement. A success counts only while the notification
 * is pending and only if it ended by the notification's expires_at, so an attempt that finishes late never turns an
 * expired notification into a succeeded one (markExpired, likewise, only touches pending ones). The attempt is no
 * longer in flight once it is recorded, whatever the notification's status.
 */
const RECORD_ATTEMPT = `
  WITH notification AS (
    UPDATE notifications
    SET attempt_count = attempt_count + 1,
        last_attempt_at = $3,
        gate_slot = NULL,
        next_attempt_at = CASE WHEN status = 'pending' AND NOT $8 THEN $10::timestamptz END,
        status = CASE WHEN $8 AND status = 'pending' AND $4::timestamptz <= expires_at THEN 'succeeded' ELSE status END,
        completed_at = CASE WHEN $8 AND status = 'pending' AND $4::timestamptz <= expires_at THEN $4::timestamptz ELSE completed_at END,
        attempt_in_flight_until = NULL
    WHERE id = $2
    RETURNING attempt_count, status, subscription_id
  ), healthy AS (
    -- A 2xx ends the subscription's failing streak (written only when there was one).
    UPDATE subscriptions SET failing_since = NULL
    WHERE $8 AND id = (SELECT subscription_id FROM notification) AND failing_since IS NOT NULL
  ), attempt AS (
    INSERT INTO attempts (id, notification_id, number, started_at, ended_at, duration_ms, status_code, error, succeeded,
                          response_body, next_attempt_at, retry_after_ms, trigger, url)
    SELECT $1, $2, notification.attempt_count, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13 FROM notification
    RETURNING number
  )
  SELECT attempt.number, notification.status FROM attempt, notification`;

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

  /** The notification with its subscription as it is now: its current URL, status and keys. */
  async loadDelivery(notificationId: string): Promise<DeliveryContext | null> {
    const rows = await this.db.query<DeliveryRow[]>(
      `SELECT n.status, n.attempt_count, s.url, env.allow_private_targets, n.subscription_id, s.status AS subscription_status,
              s.deleted_at IS NOT NULL AS subscription_deleted, e.id AS event_id, e.type, e.environment_id,
              -- The subscription's own limits, else its environment's defaults (null: the platform's, from config).
              COALESCE(s.rate_limit, env.default_rate_limit) AS rate_limit, COALESCE(s.max_in_flight, env.default_max_in_flight) AS max_in_flight,
              s.breaker_state, s.consecutive_failures,
              ${msFromNow('s.breaker_until')} AS breaker_in_ms, ${msFromNow('s.release_until')} AS release_in_ms, ${msFromNow('n.gate_slot')} AS slot_in_ms,
              e.created_at, e.data::text AS data_json,
              -- Ordered (issue 22): the earliest notification of its key still pending before it (the partial index).
              (SELECT p.id FROM notifications p
                WHERE n.ordering_key IS NOT NULL AND p.subscription_id = n.subscription_id AND p.ordering_key = n.ordering_key
                  AND p.status = 'pending' AND p.ordering_seq < n.ordering_seq
                ORDER BY p.ordering_seq LIMIT 1) AS turn_head,
              (SELECT json_agg(json_build_object('id', k.id, 'encryption', k.encryption, 'secret', k.secret, 'masterKeyId', k.master_key_id,
                                                 'iv', encode(k.iv, 'base64'), 'ciphertext', encode(k.ciphertext, 'base64'),
                                                 'tag', encode(k.auth_tag, 'base64')) ORDER BY k.created_at DESC, k.id DESC)
                 FROM signing_keys k
                WHERE k.subscription_id = s.id AND (k.expires_at IS NULL OR k.expires_at > now())) AS keys
       FROM notifications n
       JOIN subscriptions s ON s.id = n.subscription_id
       JOIN events e ON e.id = n.event_id
       JOIN environments env ON env.id = e.environment_id
       WHERE n.id = $1`,
      [notificationId],
    );
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
      event: { id: row.event_id, type: row.type, environmentId: row.environment_id, createdAt: row.created_at, dataJson: row.data_json },
      waitsFor: row.turn_head === null ? null : { headId: row.turn_head },
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

  async recordAttempt(record: AttemptRecord): Promise<RecordedAttempt> {
    const rows = await this.db.query<RecordedAttempt[]>(RECORD_ATTEMPT, attemptParameters(record));
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
      const rows = await tx.query<[{ reason: DisabledReason | null; environment_id: string }[], number]>(
        `WITH disabling AS (
           SELECT CASE WHEN $3 THEN 'gone'
                       WHEN $4 > 0 AND COALESCE(failing_since, $2) <= $2::timestamptz - make_interval(secs => $4::float8 / 1000) THEN 'failing'
                  END AS reason
           FROM subscriptions WHERE id = $1 AND status = 'active'
         )
         UPDATE subscriptions s
         SET failing_since = COALESCE(s.failing_since, $2),
             status = CASE WHEN d.reason IS NULL THEN s.status ELSE 'disabled' END,
             disabled_reason = COALESCE(d.reason, s.disabled_reason),
             updated_at = CASE WHEN d.reason IS NULL THEN s.updated_at ELSE now() END
         FROM disabling d
         WHERE s.id = $1 AND s.status = 'active' AND (s.failing_since IS NULL OR d.reason IS NOT NULL)
         RETURNING d.reason, s.environment_id`,
        [subscriptionId, failure.at, failure.gone, failure.autoDisableAfterMs],
      );
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
