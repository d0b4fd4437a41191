import type { DataSource } from 'typeorm';
import type { DeliveryPolicy } from '../../domain/retry-schedule';
import { EventEntity } from '../entities';
import { policyColumnList, policyJson, policyValues } from '../policy-columns';
import { prepared } from '../prepared';

export interface NewEvent {
  id: string;
  environmentId: string;
  type: string;
  /** The exact JSON text of `data`, stored as it is. */
  dataJson: string;
  idempotencyKey: string | null;
  /** Orders its notifications for subscriptions with `ordering: key` (null: unordered everywhere). */
  orderingKey?: string | null;
  /** The publish's trace (tracing on, inside a sampled trace); null otherwise. */
  traceId?: string | null;
  /**
   * A test event (POST /webhooks/subscriptions/:id/test): its one notification goes to `subscriptionId` alone,
   * whatever that subscription's event types, and its POSTs say it is a test.
   */
  test?: { subscriptionId: string };
  /** The delivery policy its notifications get and keep; they expire `windowMs` after the event. */
  policy: DeliveryPolicy;
  windowMs: number;
}

export interface StoredNotification {
  id: string;
  subscriptionId: string;
  /** The subscription's URL when the notification was created (its host names the workflow in the Web UI). */
  url: string;
  expiresAt: Date;
  policy: DeliveryPolicy;
  /** Whether it is delivered in its key's order (its subscription ordered by key and the event has one). */
  ordered: boolean;
}

interface NotificationJson {
  id: string;
  subscriptionId: string;
  url: string;
  expiresAt: string;
  policy: DeliveryPolicy;
  ordered: boolean;
}

export interface StoredEvent {
  event: EventEntity;
  /** The notifications stored with the event: one per matching subscription. */
  notifications: StoredNotification[];
  /** false when the idempotency key named an event that already existed: nothing new was stored. */
  created: boolean;
}

interface EventRow {
  id: string;
  environment_id: string;
  type: string;
  data_json: string;
  idempotency_key: string | null;
  ordering_key: string | null;
  trace_id: string | null;
  test: boolean;
  created_at: Date;
  erased_at: Date | null;
}

type NotificationsRow = { notifications: NotificationJson[] | null };

/** `data::text` is the stored text as it is; selecting `data` would have the pg driver parse it into JS. */
const EVENT_COLUMNS =
  'e.id, e.environment_id, e.type, e.idempotency_key, e.ordering_key, e.trace_id, e.test, e.created_at, e.erased_at, e.data::text AS data_json';

/** The notification columns as JSON, so one statement returns the event with its notifications. */
const NOTIFICATION_JSON = (n: string) =>
  `json_build_object('id', ${n}.id, 'subscriptionId', ${n}.subscription_id, 'url', ${n}.url, 'expiresAt', ${n}.expires_at, 'policy', ${policyJson(n)},
                     'ordered', ${n}.ordering_key IS NOT NULL)`;

/** The subscriptions an event of type `event.type` goes to: those with no filter, or a filter that matches. */
const SUBSCRIBED_TO_TYPE = `(cardinality(s.event_types) = 0 OR event.type = ANY (s.event_types)
   -- a trailing wildcard: invoice.* matches every type that starts with "invoice." (src/domain/event-type.ts)
   OR EXISTS (SELECT 1 FROM unnest(s.event_types) p WHERE right(p, 2) = '.*' AND starts_with(event.type, left(p, -1))))`;

/**
 * Whether the event's type ($3) is still as a publish checked it: at the version in parameter `version` and not
 * archived, or, `version` null, undeclared (not even archived). One indexed read of event_types' primary key.
 */
const TYPE_AT = (version: number | null) =>
  version === null
    ? `NOT EXISTS (SELECT 1 FROM event_types WHERE name = $3)`
    : `EXISTS (SELECT 1 FROM event_types WHERE name = $3 AND updated_at::text = $${version} AND archived_at IS NULL)`;

/** A test event's one subscription ($14), whatever its filter (src/events/test-events.service.ts). */
const TEST_SUBSCRIPTION = `s.id = $14`;

const toEntity = (row: EventRow): EventEntity =>
  Object.assign(new EventEntity(), {
    id: row.id,
    environmentId: row.environment_id,
    type: row.type,
    dataJson: row.data_json,
    idempotencyKey: row.idempotency_key,
    orderingKey: row.ordering_key,
    traceId: row.trace_id ?? null,
    test: row.test ?? false,
    createdAt: row.created_at,
    erasedAt: row.erased_at ?? null,
  });

const toNotifications = (row: NotificationsRow): StoredNotification[] => (row.notifications ?? []).map((n) => ({ ...n, expiresAt: new Date(n.expiresAt) }));

export class EventRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Stores the event and one notification per subscription whose filter matches (a type, or a prefix with a
   * trailing wildcard), in one statement (paused and disabled subscriptions too: their notifications are held until
   * they are active again, or expire): atomic, and one round trip. With an ordering key, each notification of a
   * subscription that orders by key takes the next place in its (subscription, key) from the key's counter: the
   * counter's row stays locked until this statement commits, so places follow the order in which publishes commit. A subscription's delete cannot slip between its
   * read here and the notification's insert (FOR KEY SHARE, below). With an idempotency key that is already taken nothing is stored and the original event is
   * returned instead.
   */
  async insertWithNotifications(input: NewEvent): Promise<StoredEvent> {
    // null only for a condition, which this has not.
    return (await this.insert(input)) as StoredEvent;
  }

  /**
   * insertWithNotifications, on condition that the event's type is still at `typeVersion` (its updated_at as text:
   * declared and not archived) or, when `typeVersion` is null, still undeclared: the check the caller made with the
   * schema it holds of that version is then the one a lookup would have made, and the condition is read in the
   * insert's own snapshot (a lookup before it would be a snapshot older). null when the type has changed: nothing was
   * stored, and the caller looks the type up (EventTypeRepository.findForPublish) and checks again.
   */
  async insertIfTypeAt(input: NewEvent, typeVersion: string | null): Promise<StoredEvent | null> {
    return this.insert(input, { typeVersion });
  }

  private async insert(input: NewEvent, condition?: { typeVersion: string | null }): Promise<StoredEvent | null> {
    const parameters: unknown[] = [
      input.id,
      input.environmentId,
      input.type,
      input.dataJson,
      input.idempotencyKey,
      input.windowMs,
      ...policyValues(input.policy),
      input.orderingKey ?? null,
      input.traceId ?? null,
      input.test !== undefined,
      ...(input.test ? [input.test.subscriptionId] : []),
    ];
    if (typeof condition?.typeVersion === 'string') parameters.push(condition.typeVersion);
    const guard = condition ? `guard AS (SELECT ${TYPE_AT(condition.typeVersion === null ? null : parameters.length)} AS type_current), ` : '';
    const rows = await prepared<Omit<EventRow, 'data_json'> & NotificationsRow & { type_current?: boolean }>(
      this.db,
      `WITH ${guard}event AS (
         INSERT INTO events (id, environment_id, type, data, idempotency_key, ordering_key, trace_id, test)
         ${condition ? `SELECT $1, $2, $3, $4::json, $5, $11, $12, $13::boolean FROM guard WHERE guard.type_current` : `VALUES ($1, $2, $3, $4::json, $5, $11, $12, $13)`}
         ON CONFLICT (environment_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
         RETURNING id, environment_id, type, idempotency_key, ordering_key, trace_id, test, created_at, erased_at
       ), matched AS (
         SELECT s.id, s.url, s.ordering FROM event JOIN subscriptions s ON s.environment_id = event.environment_id
         WHERE s.deleted_at IS NULL AND ${input.test ? TEST_SUBSCRIPTION : SUBSCRIBED_TO_TYPE}
         -- Against a concurrent delete (subscription.repository.ts softDelete, which locks the row FOR UPDATE first):
         -- a subscription deleted meanwhile is read again once the delete commits and left out; one locked here first
         -- makes the delete wait until this commits, and then its cancel sees this notification.
         FOR KEY SHARE OF s
       ), place AS (
         -- The next place in each ordered (subscription, key): one counter row per subscription, locked until commit,
         -- in the order of the subscriptions' IDs (two publishes of one key to the same subscriptions never deadlock).
         INSERT INTO ordering_keys AS k (subscription_id, ordering_key, last_seq)
         SELECT matched.id, event.ordering_key, 1 FROM matched, event WHERE matched.ordering = 'key' AND event.ordering_key IS NOT NULL
         ORDER BY matched.id
         ON CONFLICT (subscription_id, ordering_key) DO UPDATE SET last_seq = k.last_seq + 1
         RETURNING subscription_id, last_seq
       ), notification AS (
         INSERT INTO notifications (id, event_id, event_type, subscription_id, environment_id, url, created_at, expires_at, ordering_key, ordering_seq,
                                    ${policyColumnList()})
         SELECT plude_new_id('ntf'), event.id, event.type, matched.id, event.environment_id, matched.url, event.created_at,
                event.created_at + make_interval(secs => $6::float8 / 1000),
                CASE WHEN place.last_seq IS NOT NULL THEN event.ordering_key END, place.last_seq, $7, $8, $9, $10
         FROM event CROSS JOIN matched LEFT JOIN place ON place.subscription_id = matched.id
         RETURNING *
       )
       SELECT ${condition ? 'guard.type_current, ' : ''}event.*,
              (SELECT json_agg(${NOTIFICATION_JSON('notification')} ORDER BY id) FROM notification) AS notifications
       ${condition ? 'FROM guard LEFT JOIN event ON true' : 'FROM event'}`,
      parameters,
    );
    // With a condition there is always one row (the guard's): no event in it is a changed type or a taken key.
    if (rows[0]?.type_current === false) return null;
    if (rows[0]?.id) {
      // The stored text is the input text: no need to send it back.
      const event = toEntity({ ...rows[0], data_json: input.dataJson });
      return { event, notifications: toNotifications(rows[0]), created: true };
    }
    const existing = await this.findByIdempotencyKey(input.environmentId, input.idempotencyKey as string);
    if (!existing) throw new Error(`event with idempotency key ${input.idempotencyKey} vanished`);
    return existing;
  }

  private async findByIdempotencyKey(environmentId: string, key: string): Promise<StoredEvent | null> {
    const rows = await this.db.query<(EventRow & NotificationsRow)[]>(
      `SELECT ${EVENT_COLUMNS},
              (SELECT json_agg(${NOTIFICATION_JSON('n')} ORDER BY n.id) FROM notifications n WHERE n.event_id = e.id) AS notifications
       FROM events e WHERE e.environment_id = $1 AND e.idempotency_key = $2`,
      [environmentId, key],
    );
    return rows[0] ? { event: toEntity(rows[0]), notifications: toNotifications(rows[0]), created: false } : null;
  }

  async findInEnvironment(environmentId: string, id: string): Promise<EventEntity | null> {
    const rows = await this.db.query<EventRow[]>(`SELECT ${EVENT_COLUMNS} FROM events e WHERE e.id = $1 AND e.environment_id = $2`, [id, environmentId]);
    return rows[0] ? toEntity(rows[0]) : null;
  }
}
