/**
 * The data lifecycle's vocabulary (issue 21), shared by the purge's activities (activities/purge.ts), its storage
 * (src/persistence/repositories/purge.repository.ts), its metrics and its workflow (by `import type`).
 */

/** What a purge removes: events with their notifications and attempts, and response bodies cleared earlier. */
export const PURGED_KINDS = ['events', 'notifications', 'attempts', 'responseBodies'] as const;
export type PurgedKind = (typeof PURGED_KINDS)[number];

/** Rows deleted (response bodies: cleared) by kind. */
export type PurgeCounts = Record<PurgedKind, number>;

export const NO_PURGE_COUNTS: PurgeCounts = { events: 0, notifications: 0, attempts: 0, responseBodies: 0 };

export const addPurgeCounts = (a: PurgeCounts, b: Partial<PurgeCounts>): PurgeCounts => ({
  events: a.events + (b.events ?? 0),
  notifications: a.notifications + (b.notifications ?? 0),
  attempts: a.attempts + (b.attempts ?? 0),
  responseBodies: a.responseBodies + (b.responseBodies ?? 0),
});

/** One batch of the events' purge: what it deleted, and the last event ID it looked at (null: none left to look at). */
export interface PurgeEventsBatch {
  deleted: Pick<PurgeCounts, 'events' | 'notifications' | 'attempts'>;
  next: string | null;
}

/** What the purge needs from storage. */
export interface PurgeStore {
  /**
   * Looks at the next `limit` events by ID after `after` (those created `retentionMs` ago at least) and deletes, with
   * their notifications and attempts, the ones none of whose notifications is pending or ended less than
   * `retentionMs` ago. Rows another purge holds are skipped, never waited for. The place counters of the ordering
   * keys whose notifications it deleted go too, once no notification of the key is pending (skipped while a publish
   * or a redelivery holds one).
   */
  purgeEvents(retentionMs: number, after: string | null, limit: number): Promise<PurgeEventsBatch>;
  /** Clears the response bodies of up to `limit` attempts that ended `retentionMs` ago or more; how many it cleared. */
  clearResponseBodies(retentionMs: number, limit: number): Promise<number>;
}

/** The purge's metrics: rows deleted by kind. */
export interface PurgeMetrics {
  purged(counts: Partial<PurgeCounts>): void;
}
