import type { DataSource } from 'typeorm';

/** An erasure's first step: the event marked erased and its pending notifications cancelled. */
export interface MarkedErased {
  erasedAt: Date;
  /** The notifications this erasure cancelled (their workflows are to be cancelled too). */
  cancelled: string[];
  /** Until when an attempt of one of them may still be in flight (null: none is). */
  inFlightUntil: Date | null;
}

/**
 * Erasing one event's data on request (issue 21), in two steps. First the event is marked erased and its pending
 * notifications cancelled, in one transaction with the event's row locked (a purge skips it; a redelivery is refused
 * from then on): no attempt starts after it (an attempt starts only while its notification is pending). Then, once
 * the attempts that were in flight are recorded, its data becomes the tombstone and its attempts' response bodies are
 * cleared. Both steps may be run again.
 */
export class EventErasureRepository {
  constructor(private readonly db: DataSource) {}

  /** Null when the environment has no such event. An event erased before keeps its first erasure time. */
  async markErased(environmentId: string, eventId: string): Promise<MarkedErased | null> {
    return this.db.transaction(async (tx) => {
      // UPDATE … RETURNING answers [rows, count]; WITH … SELECT answers the rows.
      const [event] = await tx.query<{ erased_at: Date }[]>(
        `WITH erased AS (UPDATE events SET erased_at = COALESCE(erased_at, now()) WHERE id = $1 AND environment_id = $2 RETURNING erased_at)
         SELECT erased_at FROM erased`,
        [eventId, environmentId],
      );
      if (!event) return null;
      const cancelled = await tx.query<{ id: string; in_flight_until: Date | null }[]>(
        `WITH cancelled AS (
           UPDATE notifications SET status = 'cancelled', completed_at = now(), next_attempt_at = NULL
           WHERE event_id = $1 AND status = 'pending'
           RETURNING id, CASE WHEN attempt_in_flight_until > now() THEN attempt_in_flight_until END AS in_flight_until)
         SELECT id, in_flight_until FROM cancelled`,
        [eventId],
      );
      const inFlight = cancelled.flatMap((row) => (row.in_flight_until ? [row.in_flight_until.getTime()] : []));
      return {
        erasedAt: event.erased_at,
        cancelled: cancelled.map((row) => row.id),
        inFlightUntil: inFlight.length > 0 ? new Date(Math.max(...inFlight)) : null,
      };
    });
  }

  /** Whether an attempt of one of the event's notifications may still be in flight (started, not yet recorded). */
  async anyAttemptInFlight(eventId: string): Promise<boolean> {
    const rows = await this.db.query<unknown[]>(`SELECT 1 FROM notifications WHERE event_id = $1 AND attempt_in_flight_until > now() LIMIT 1`, [eventId]);
    return rows.length > 0;
  }

  /** Replaces the event's data by `tombstone` and clears its attempts' response bodies; how many it cleared. */
  async tombstone(eventId: string, tombstone: string): Promise<number> {
    return this.db.transaction(async (tx) => {
      await tx.query(`UPDATE events SET data = $2::json WHERE id = $1`, [eventId, tombstone]);
      const [{ cleared }] = await tx.query<{ cleared: number }[]>(
        `WITH cleared AS (
           UPDATE attempts a SET response_body = NULL FROM notifications n
           WHERE n.event_id = $1 AND a.notification_id = n.id AND a.response_body IS NOT NULL RETURNING 1)
         SELECT count(*)::int AS cleared FROM cleared`,
        [eventId],
      );
      return cleared;
    });
  }
}
