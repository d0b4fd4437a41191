import type { AttemptRecord } from '../../domain/delivery';
import type { BreakerState, NotificationStatus, SubscriptionStatus } from '../../domain/statuses';
import type { StoredSigningKey } from './signing-key.repository';

/* The delivery's SQL pieces and row shapes (./delivery.repository.ts): what one load and one record read and write. */

/** A live signing key as loadDelivery's JSON carries it: StoredSigningKey with its bytea columns in base64. */
type StoredKeyJson = Omit<StoredSigningKey, 'iv' | 'ciphertext' | 'tag'> & { iv: string | null; ciphertext: string | null; tag: string | null };

export interface DeliveryRow {
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
  test: boolean;
  /** LOAD_AND_START marked the attempt in flight (always false from LOAD_DELIVERY). */
  started: boolean;
}

/** Milliseconds from the database's now until a timestamp column (negative once past; null for null). */
export const msFromNow = (column: string) => `(EXTRACT(EPOCH FROM (${column} - clock_timestamp())) * 1000)::float8`;
/** A timestamp `$n` milliseconds from the database's now. */
export const inMs = (param: string) => `clock_timestamp() + make_interval(secs => ${param}::float8 / 1000)`;
/** The database's now, in epoch milliseconds (the in-flight leases' unit). */
export const NOW_MS = `(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::float8`;

/** PostgreSQL text cannot hold NUL characters, which a receiver's response body may contain. */
const storable = (text: string | null) => (text === null ? null : text.replace(/\u0000/g, '\uFFFD'));

const bytes = (base64: string | null) => (base64 === null ? null : Buffer.from(base64, 'base64'));
export const fromJson = (key: StoredKeyJson): StoredSigningKey => ({ ...key, iv: bytes(key.iv), ciphertext: bytes(key.ciphertext), tag: bytes(key.tag) });

/** The columns of one attempt row, in the order of RECORD_ATTEMPT's parameters ($1 … $14). */
export function attemptParameters(record: AttemptRecord): unknown[] {
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
    // jsonb: one object of header names to values (which, like text, cannot hold NUL; the sender refuses one anyway).
    requestHeaders: JSON.stringify(record.requestHeaders, (_name, value: unknown) => (typeof value === 'string' ? storable(value) : value)),
  };
  return Object.values(row);
}

/**
 * Stores the attempt and updates the notification in one statement. A success counts only while the notification
 * is pending and only if it ended by the notification's expires_at, so an attempt that finishes late never turns an
 * expired notification into a succeeded one (markExpired, likewise, only touches pending ones). The attempt is no
 * longer in flight once it is recorded, whatever the notification's status.
 */
export const RECORD_ATTEMPT = `
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
                          response_body, next_attempt_at, retry_after_ms, trigger, url, request_headers)
    SELECT $1, $2, notification.attempt_count, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::jsonb FROM notification
    RETURNING number
  )
  SELECT attempt.number, notification.status FROM attempt, notification`;

/** The notification with its subscription, its event and its environment, as LOAD_DELIVERY and LOAD_AND_START read them. */
const DELIVERY_COLUMNS = `n.status, n.attempt_count, s.url, env.allow_private_targets, n.subscription_id, s.status AS subscription_status,
          s.deleted_at IS NOT NULL AS subscription_deleted, e.id AS event_id, e.type, e.environment_id,
          -- The subscription's own limits, else its environment's defaults (null: the platform's, from config).
          COALESCE(s.rate_limit, env.default_rate_limit) AS rate_limit, COALESCE(s.max_in_flight, env.default_max_in_flight) AS max_in_flight,
          s.breaker_state, s.consecutive_failures,
          ${msFromNow('s.breaker_until')} AS breaker_in_ms, ${msFromNow('s.release_until')} AS release_in_ms, ${msFromNow('n.gate_slot')} AS slot_in_ms,
          e.created_at, e.data::text AS data_json, e.test,
          -- Ordered (issue 22): the earliest notification of its key still pending before it (the partial index).
          (SELECT p.id FROM notifications p
            WHERE n.ordering_key IS NOT NULL AND p.subscription_id = n.subscription_id AND p.ordering_key = n.ordering_key
              AND p.status = 'pending' AND p.ordering_seq < n.ordering_seq
            ORDER BY p.ordering_seq LIMIT 1) AS turn_head,
          (SELECT json_agg(json_build_object('id', k.id, 'encryption', k.encryption, 'secret', k.secret, 'masterKeyId', k.master_key_id,
                                             'iv', encode(k.iv, 'base64'), 'ciphertext', encode(k.ciphertext, 'base64'),
                                             'tag', encode(k.auth_tag, 'base64')) ORDER BY k.created_at DESC, k.id DESC)
             FROM signing_keys k
            WHERE k.subscription_id = s.id AND (k.expires_at IS NULL OR k.expires_at > now())) AS keys`;

const DELIVERY_FROM = `FROM notifications n
   JOIN subscriptions s ON s.id = n.subscription_id
   JOIN events e ON e.id = n.event_id
   JOIN environments env ON env.id = e.environment_id
   WHERE n.id = $1`;

/**
 * One delivery, in one query: the notification with its subscription as it is now (its current URL, status, limits
 * and breaker, its live keys), its event, and, for an ordered notification, its key's head while one is pending.
 */
export const LOAD_DELIVERY = `SELECT ${DELIVERY_COLUMNS}, false AS started
   ${DELIVERY_FROM}`;

/**
 * LOAD_DELIVERY that also starts the attempt (startAttempt's mark, for `$2` ms) when nothing stands between the load
 * and the POST: the notification pending and its turn, its subscription active and not deleted, and the gate free.
 * "Free" is gateStep's plain go with no sleep, no slot and no lease (src/domain/gate.ts gateIsFree): the breaker
 * closed, no rate (the subscription's own, else its environment's default, else the config's `$3`, and no release
 * paced at `$5` under way) and no cap on attempts in flight (likewise, the config's `$4`). Change both together:
 * test/e2e/persistence/load-and-start.e2e.spec.ts checks that they agree.
 *
 * The mark is taken on the notification's row like startAttempt's, so a delete's cancel (softDelete) and an erasure
 * meet it the same way: either they changed the row first and this finds it no longer pending (no mark), or this
 * commits first and they see the attempt in flight. The subscription's row is read, not locked. `started` says
 * whether it marked; the rest of the row is the statement's snapshot, as LOAD_DELIVERY's.
 */
export const LOAD_AND_START = `WITH started AS (
     UPDATE notifications n SET attempt_in_flight_until = now() + make_interval(secs => $2::float8 / 1000)
     FROM subscriptions s JOIN environments env ON env.id = s.environment_id
     WHERE n.id = $1 AND n.status = 'pending' AND s.id = n.subscription_id AND s.deleted_at IS NULL AND s.status = 'active'
       AND s.breaker_state = 'closed'
       AND COALESCE(s.rate_limit, env.default_rate_limit, $3::float8) <= 0
       AND ($5::float8 <= 0 OR s.release_until IS NULL OR s.release_until <= clock_timestamp())
       AND COALESCE(s.max_in_flight, env.default_max_in_flight, $4::int) <= 0
       AND NOT EXISTS (SELECT 1 FROM notifications p
            WHERE n.ordering_key IS NOT NULL AND p.subscription_id = n.subscription_id AND p.ordering_key = n.ordering_key
              AND p.status = 'pending' AND p.ordering_seq < n.ordering_seq)
     RETURNING n.id
   )
   SELECT ${DELIVERY_COLUMNS}, EXISTS (SELECT 1 FROM started) AS started
   ${DELIVERY_FROM}`;

/**
 * A failed attempt's note on its subscription ($1, still active): its failing streak starts at $2 unless one runs, and
 * it is disabled when the receiver said 410 Gone ($3) or has failed for $4 ms (0: never). Returns the reason, if so.
 */
export const NOTE_FAILURE = `WITH disabling AS (
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
   RETURNING d.reason, s.environment_id`;
