import type { EntityManager } from 'typeorm';
import type { NotificationDispatch } from '../../domain/delivery';
import { type OperationalEvent, OPERATIONS_ENVIRONMENT_ID, raisesOperationalEvents } from '../../domain/operational-events';
import type { DeliveryPolicy } from '../../domain/retry-schedule';
import { policyColumnList, policyValues } from '../policy-columns';

/** Where a query runs: a transaction's EntityManager (the event commits with the change that caused it) or the DataSource. */
export type Queryable = Pick<EntityManager, 'query'>;

/** The policy and window operational notifications get: the configuration of the process that raises them. */
export interface OperationalDelivery {
  policy: DeliveryPolicy;
  windowMs: number;
}

interface SubjectRow {
  target_id: string;
  target_url: string;
  subscription_url: string;
  notification_id: string | null;
  event_id: string | null;
  event_type: string | null;
  attempt_count: number | null;
  expires_at: Date | null;
}

interface StoredRow {
  id: string;
  event_id: string;
  created_at: Date;
  expires_at: Date;
}

/**
 * The registered operational webhook, locked against its delete, with what the event says of its subject. The
 * notification's attempts include the one in flight: a disable is noted before its attempt is recorded.
 */
const SUBJECT = `
  SELECT t.id AS target_id, t.url AS target_url, s.url AS subscription_url, n.id AS notification_id, n.event_id,
         e.type AS event_type, n.attempt_count + CASE WHEN n.attempt_in_flight_until IS NULL THEN 0 ELSE 1 END AS attempt_count, n.expires_at
  FROM subscriptions t
  JOIN subscriptions s ON s.id = $2 AND s.environment_id = $1
  LEFT JOIN notifications n ON n.id = $3 AND n.subscription_id = s.id
  LEFT JOIN events e ON e.id = n.event_id
  WHERE t.environment_id = '${OPERATIONS_ENVIRONMENT_ID}' AND t.deleted_at IS NULL
  FOR KEY SHARE OF t`;

/** The event and its one notification (to the operational webhook): an outbox row like any other. */
const STORE = `
  WITH event AS (
    INSERT INTO events (id, environment_id, type, data) VALUES (plude_new_id('evt'), '${OPERATIONS_ENVIRONMENT_ID}', $1, $2::json)
    RETURNING id, created_at
  )
  INSERT INTO notifications (id, event_id, event_type, subscription_id, environment_id, url, created_at, expires_at, ${policyColumnList()})
  SELECT plude_new_id('ntf'), event.id, $1, $3, '${OPERATIONS_ENVIRONMENT_ID}', $4, event.created_at,
         event.created_at + make_interval(secs => $5::float8 / 1000), $6, $7, $8, $9
  FROM event
  RETURNING id, event_id, created_at, expires_at`;

/** The event's data: the environment, the subscription, the notification (or null), the reason, then any details. */
function eventData(event: OperationalEvent, row: SubjectRow): string {
  const notification =
    row.notification_id === null
      ? null
      : {
          id: row.notification_id,
          eventId: row.event_id,
          eventType: row.event_type,
          attemptCount: row.attempt_count,
          expiresAt: row.expires_at?.toISOString() ?? null,
        };
  return JSON.stringify({
    environment: event.environmentId,
    subscription: { id: event.subscriptionId, url: row.subscription_url },
    notification,
    reason: event.reason,
    ...event.details,
  });
}

/**
 * Raises operational events (src/domain/operational-events.ts): stores the event in the hidden environment with its
 * notification to the operational webhook, in the caller's transaction, so that it exists if and only if the change
 * that caused it commits. The stored notification is an outbox row: the caller may start its workflow once the
 * transaction has committed (see DeliveryRepository's `raised`), and the outbox relay starts it otherwise.
 */
export class OperationalEventRepository {
  constructor(private readonly delivery: OperationalDelivery) {}

  /**
   * Stores the event and its notification with `tx`; returns what starts its workflow. Nothing is stored (null) when
   * no operational webhook is registered, when the subject is the operational webhook itself (no loops), or when the
   * subscription is not in the environment named.
   */
  async raise(event: OperationalEvent, tx: Queryable): Promise<NotificationDispatch | null> {
    if (!raisesOperationalEvents(event.environmentId)) return null;
    const [subject] = await tx.query<SubjectRow[]>(SUBJECT, [event.environmentId, event.subscriptionId, event.notificationId]);
    if (!subject) return null;
    const { policy, windowMs } = this.delivery;
    const [stored] = await tx.query<StoredRow[]>(STORE, [
      event.type,
      eventData(event, subject),
      subject.target_id,
      subject.target_url,
      windowMs,
      ...policyValues(policy),
    ]);
    return {
      notificationId: stored.id,
      subscriptionId: subject.target_id,
      environmentId: OPERATIONS_ENVIRONMENT_ID,
      eventId: stored.event_id,
      eventType: event.type,
      eventCreatedAt: stored.created_at,
      expiresAt: stored.expires_at,
      policy,
      url: subject.target_url,
      trigger: 'initial',
    };
  }
}
