import type { Topology } from './topology';

export interface AttemptRow {
  notification_id: string;
  subscription_id: string;
  notification_status: string;
  number: number;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  succeeded: boolean;
  response_body: string | null;
}

/** The attempts of an event's notifications, once every notification has at least `perNotification` of them. */
export async function attemptsOf(topology: Topology, eventId: string, perNotification: number, timeoutMs = 90_000): Promise<AttemptRow[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await topology.db.query<AttemptRow>(
      `SELECT a.notification_id, n.subscription_id, n.status AS notification_status, a.number, a.status_code, a.error, a.duration_ms,
              a.succeeded, a.response_body
         FROM notifications n JOIN attempts a ON a.notification_id = n.id WHERE n.event_id = $1 ORDER BY a.notification_id, a.number`,
      [eventId],
    );
    const { rows: all } = await topology.db.query<{ id: string }>('SELECT id FROM notifications WHERE event_id = $1', [eventId]);
    const enough = all.every((n) => rows.filter((r) => r.notification_id === n.id).length >= perNotification);
    if (all.length > 0 && enough) return rows;
    if (Date.now() > deadline)
      throw new Error(
        `fewer than ${perNotification} attempts per notification within ${timeoutMs} ms: ${JSON.stringify(rows.map((r) => [r.notification_id, r.number, r.error]))}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Notifications of the event that are neither succeeded nor still pending with a next attempt planned. */
export async function droppedOf(topology: Topology, eventIds: string[]): Promise<number> {
  const { rows } = await topology.db.query<{ n: string }>(
    `SELECT count(*) AS n FROM notifications WHERE event_id = ANY($1) AND status <> 'succeeded' AND NOT (status = 'pending' AND expires_at > now())`,
    [eventIds],
  );
  return Number(rows[0].n);
}
