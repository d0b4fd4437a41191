import type { DataSource } from 'typeorm';
import type { AttemptRecord, DeliveryContext, DeliveryStore, NotificationStatus } from '../../../activities/ports';

interface DeliveryRow {
  status: NotificationStatus;
  url: string;
  secrets: string[] | null;
  event_id: string;
  type: string;
  environment_id: string;
  created_at: Date;
  data_json: string;
}

/** PostgreSQL text cannot hold NUL characters, which a receiver's response body may contain. */
const storable = (text: string | null) => (text === null ? null : text.replace(/\u0000/g, '\uFFFD'));

/** The worker's side of storage: one query to load a delivery, one statement to record an attempt. */
export class DeliveryRepository implements DeliveryStore {
  constructor(private readonly db: DataSource) {}

  async loadDelivery(notificationId: string): Promise<DeliveryContext | null> {
    const rows = (await this.db.query(
      `SELECT n.status, s.url, e.id AS event_id, e.type, e.environment_id, e.created_at, e.data::text AS data_json,
              (SELECT array_agg(k.secret ORDER BY k.created_at DESC) FROM signing_keys k
                WHERE k.subscription_id = s.id AND (k.expires_at IS NULL OR k.expires_at > now())) AS secrets
       FROM notifications n
       JOIN subscriptions s ON s.id = n.subscription_id
       JOIN events e ON e.id = n.event_id
       WHERE n.id = $1`,
      [notificationId],
    )) as DeliveryRow[];
    const row = rows[0];
    if (!row) return null;
    return {
      notificationId,
      status: row.status,
      url: row.url,
      secrets: row.secrets ?? [],
      event: { id: row.event_id, type: row.type, environmentId: row.environment_id, createdAt: row.created_at, dataJson: row.data_json },
    };
  }

  async recordAttempt(record: AttemptRecord): Promise<number> {
    const rows = (await this.db.query(
      `WITH notification AS (
         UPDATE notifications
         SET attempt_count = attempt_count + 1,
             last_attempt_at = $3,
             next_attempt_at = CASE WHEN $8 THEN NULL ELSE $10::timestamptz END,
             status = CASE WHEN $8 AND status = 'pending' THEN 'succeeded' ELSE status END,
             completed_at = CASE WHEN $8 AND status = 'pending' THEN $4::timestamptz ELSE completed_at END
         WHERE id = $2
         RETURNING attempt_count
       )
       INSERT INTO attempts (id, notification_id, number, started_at, ended_at, duration_ms, status_code, error, response_body, succeeded)
       SELECT $1, $2, notification.attempt_count, $3, $4, $5, $6, $7, $9, $8 FROM notification
       RETURNING number`,
      [
        record.attemptId,
        record.notificationId,
        record.startedAt,
        record.endedAt,
        record.endedAt.getTime() - record.startedAt.getTime(),
        record.statusCode,
        storable(record.error),
        record.succeeded,
        storable(record.responseBody),
        record.nextAttemptAt,
      ],
    )) as { number: number }[];
    return rows[0]?.number ?? 0;
  }

  async markExpired(notificationId: string): Promise<void> {
    await this.db.query(
      `UPDATE notifications SET status = 'expired', completed_at = now(), next_attempt_at = NULL
       WHERE id = $1 AND status = 'pending'`,
      [notificationId],
    );
  }
}
