import type { DataSource, EntityManager } from 'typeorm';
import { firstIdAt } from '../../domain/ids';
import type { PurgeCounts, PurgeEventsBatch, PurgeStore } from '../../domain/purge';

/**
 * How far an event's ID (made by the API's clock) may be ahead of its created_at (the database's): the scan by ID
 * reaches that far past the cutoff, and created_at decides.
 */
const ID_CLOCK_SLACK_MS = 60 * 60 * 1000;

/** `now() - retention`, with the retention in milliseconds as parameter `param`. */
const before = (param: string) => `now() - make_interval(secs => ${param}::float8 / 1000)`;

/** An event none of whose notifications is pending or ended after the cutoff ($cutoff: a `before(…)`). */
const allEndedBefore = (event: string, cutoff: string) => `${event}.created_at < ${cutoff}
  AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.event_id = ${event}.id
                   AND (n.status = 'pending' OR n.completed_at IS NULL OR n.completed_at >= ${cutoff}))`;

const count = async (tx: EntityManager, sql: string, parameters: unknown[]): Promise<number> =>
  (await tx.query<{ n: number }[]>(`WITH done AS (${sql} RETURNING 1) SELECT count(*)::int AS n FROM done`, parameters))[0].n;

/**
 * Deletes the place counters (ordering_keys) of the (subscription, key) pairs given as two arrays ($1, $2) that no
 * pending notification uses any more: the batch that deleted a key's notifications frees its counter too, and the
 * key's next notification starts again at place 1, which only orders it after the pending ones of its key (none).
 * A counter another transaction holds (a publish or a redelivery taking a place, uncommitted) is skipped, never waited
 * for; one that such a transaction changed since this statement's snapshot (its pending notification not seen here) is
 * skipped too: the lock, made on the newest version, checks last_seq against the one the snapshot saw.
 */
const FREE_ORDERING_KEYS = `
  WITH keyed AS (
    SELECT DISTINCT subscription_id, ordering_key FROM unnest($1::text[], $2::text[]) AS t(subscription_id, ordering_key)
  ), idle AS (
    SELECT k.subscription_id, k.ordering_key, k.last_seq FROM ordering_keys k JOIN keyed USING (subscription_id, ordering_key)
    WHERE NOT EXISTS (SELECT 1 FROM notifications n WHERE n.subscription_id = k.subscription_id AND n.ordering_key = k.ordering_key
                       AND n.status = 'pending')
  ), locked AS (
    SELECT k.subscription_id, k.ordering_key FROM ordering_keys k JOIN idle USING (subscription_id, ordering_key)
    WHERE k.last_seq = idle.last_seq FOR UPDATE OF k SKIP LOCKED
  )
  DELETE FROM ordering_keys k USING locked WHERE k.subscription_id = locked.subscription_id AND k.ordering_key = locked.ordering_key`;

/**
 * The purge's statements (issue 21): short transactions over bounded batches, rows locked with SKIP LOCKED so that
 * two purges at once (two deployments, two schedules) take different rows and never wait for each other.
 */
export class PurgeRepository implements PurgeStore {
  constructor(private readonly db: DataSource) {}

  /**
   * One batch, one transaction: the next `limit` events by ID (only IDs made before the cutoff, plus the clock slack),
   * those of them whose notifications all ended before the cutoff locked (SKIP LOCKED), then their notifications
   * locked (SKIP LOCKED) and checked again as they are now: an event with a notification another transaction holds
   * (a redelivery making it pending, an attempt being recorded) is left for a later purge. A redelivery that comes
   * after this lock waits, then finds the notification gone.
   */
  async purgeEvents(retentionMs: number, after: string | null, limit: number): Promise<PurgeEventsBatch> {
    const idBound = firstIdAt('evt', Date.now() - retentionMs + ID_CLOCK_SLACK_MS);
    return this.db.transaction(async (tx) => {
      const [scan] = await tx.query<{ seen: number; last: string | null; ids: string[] | null }[]>(
        `WITH scanned AS (
           SELECT e.id FROM events e WHERE e.id < $1 AND ($2::text IS NULL OR e.id > $2) ORDER BY e.id LIMIT $3
         ), locked AS (
           SELECT e.id FROM events e JOIN scanned USING (id) WHERE ${allEndedBefore('e', before('$4'))} FOR UPDATE OF e SKIP LOCKED
         )
         SELECT (SELECT count(*)::int FROM scanned) AS seen, (SELECT max(id) FROM scanned) AS last, (SELECT array_agg(id) FROM locked) AS ids`,
        [idBound, after, limit, retentionMs],
      );
      const next = scan.seen < limit ? null : scan.last;
      const candidates = scan.ids ?? [];
      if (candidates.length === 0) return { deleted: { events: 0, notifications: 0, attempts: 0 }, next };
      const notifications = await tx.query<{ id: string; event_id: string; subscription_id: string; ordering_key: string | null; ended: boolean }[]>(
        `SELECT n.id, n.event_id, n.subscription_id, n.ordering_key, (n.status <> 'pending' AND n.completed_at < ${before('$2')}) AS ended
         FROM notifications n WHERE n.event_id = ANY ($1) ORDER BY n.id FOR UPDATE SKIP LOCKED`,
        [candidates, retentionMs],
      );
      const totals = await tx.query<{ event_id: string; total: number }[]>(
        `SELECT event_id, count(*)::int AS total FROM notifications WHERE event_id = ANY ($1) GROUP BY event_id`,
        [candidates],
      );
      const locked = new Map<string, number>();
      const kept = new Set<string>();
      for (const n of notifications) {
        locked.set(n.event_id, (locked.get(n.event_id) ?? 0) + 1);
        if (!n.ended) kept.add(n.event_id);
      }
      for (const { event_id, total } of totals) if ((locked.get(event_id) ?? 0) < total) kept.add(event_id);
      const events = candidates.filter((id) => !kept.has(id));
      const deleting = notifications.filter((n) => !kept.has(n.event_id));
      const notificationIds = deleting.map((n) => n.id);
      if (events.length === 0) return { deleted: { events: 0, notifications: 0, attempts: 0 }, next };
      const attempts = await count(tx, `DELETE FROM attempts WHERE notification_id = ANY ($1)`, [notificationIds]);
      const deletedNotifications = await count(tx, `DELETE FROM notifications WHERE id = ANY ($1)`, [notificationIds]);
      const deletedEvents = await count(tx, `DELETE FROM events WHERE id = ANY ($1)`, [events]);
      const keyed = deleting.filter((n) => n.ordering_key !== null);
      if (keyed.length > 0) await tx.query(FREE_ORDERING_KEYS, [keyed.map((n) => n.subscription_id), keyed.map((n) => n.ordering_key)]);
      return { deleted: { events: deletedEvents, notifications: deletedNotifications, attempts }, next };
    });
  }

  async clearResponseBodies(retentionMs: number, limit: number): Promise<number> {
    return this.db.transaction((tx) =>
      count(
        tx,
        `UPDATE attempts a SET response_body = NULL
         FROM (SELECT id FROM attempts WHERE response_body IS NOT NULL AND ended_at < ${before('$1')}
               ORDER BY ended_at LIMIT $2 FOR UPDATE SKIP LOCKED) batch
         WHERE a.id = batch.id`,
        [retentionMs, limit],
      ),
    );
  }

  /**
   * What a purge started now would delete (`plude purge --dry-run`): one read of every event before the cutoff, so
   * it takes as long as the backlog is big. Response bodies are counted only when they go before their attempts.
   */
  async preview(retentionMs: number, responseBodyRetentionMs: number): Promise<PurgeCounts> {
    const idBound = firstIdAt('evt', Date.now() - retentionMs + ID_CLOCK_SLACK_MS);
    const [row] = await this.db.query<PurgeCounts[]>(
      `WITH eligible AS (SELECT e.id FROM events e WHERE e.id < $1 AND ${allEndedBefore('e', before('$2'))}),
            doomed AS (SELECT n.id FROM notifications n JOIN eligible ON n.event_id = eligible.id)
       SELECT (SELECT count(*)::int FROM eligible) AS events,
              (SELECT count(*)::int FROM doomed) AS notifications,
              (SELECT count(*)::int FROM attempts a JOIN doomed ON a.notification_id = doomed.id) AS attempts,
              CASE WHEN $3::float8 < $2::float8 THEN
                (SELECT count(*)::int FROM attempts a WHERE a.response_body IS NOT NULL AND a.ended_at < ${before('$3')}
                   AND NOT EXISTS (SELECT 1 FROM doomed WHERE doomed.id = a.notification_id))
              ELSE 0 END AS "responseBodies"`,
      [idBound, retentionMs, responseBodyRetentionMs],
    );
    return row;
  }
}
