import { Context } from '@temporalio/activity';
import { addPurgeCounts, NO_PURGE_COUNTS, type PurgeCounts, type PurgeMetrics, type PurgeStore } from '../src/domain/purge';

export interface PurgeActivityDeps {
  store: PurgeStore;
  metrics?: PurgeMetrics;
  /** Reports progress to Temporal (and hears a cancellation); the running activity's own heartbeat by default. */
  heartbeat?: (details: unknown) => void;
}

export interface PurgeEventsStep {
  retentionMs: number;
  /** The last event ID the previous step looked at; null: from the first. */
  after: string | null;
  batchSize: number;
  /** Batches this step runs at most before it returns to the workflow. */
  batches: number;
}

/** What a step did: its counts, and where the next one starts (null: no event is left to look at). */
export interface PurgeEventsResult {
  purged: PurgeCounts;
  next: string | null;
}

export interface ClearResponseBodiesStep {
  retentionMs: number;
  batchSize: number;
  batches: number;
}

const heartbeatOfContext = (details: unknown) => Context.current().heartbeat(details);

/**
 * The purge workflow's activities (workflows/purge-data.ts): each runs a bounded number of short batches, one
 * transaction each, and heartbeats after each one with where it is, so that a retry after a crash goes on from there.
 * Every batch is counted in the metrics as it commits.
 */
export function createPurgeActivities({ store, metrics, heartbeat = heartbeatOfContext }: PurgeActivityDeps) {
  return {
    purgeEvents: async (step: PurgeEventsStep): Promise<PurgeEventsResult> => {
      const resumed = Context.current().info.heartbeatDetails as PurgeEventsResult | undefined;
      let { purged, next } = resumed ?? { purged: NO_PURGE_COUNTS, next: step.after };
      for (let batch = 0; batch < step.batches; batch++) {
        const done = await store.purgeEvents(step.retentionMs, next, step.batchSize);
        metrics?.purged(done.deleted);
        purged = addPurgeCounts(purged, done.deleted);
        next = done.next;
        heartbeat({ purged, next });
        if (next === null) break;
      }
      return { purged, next };
    },

    /** Returns how many bodies it cleared; fewer than batches × batchSize: none is left. */
    clearResponseBodies: async (step: ClearResponseBodiesStep): Promise<{ cleared: number; done: boolean }> => {
      let cleared = 0;
      for (let batch = 0; batch < step.batches; batch++) {
        const n = await store.clearResponseBodies(step.retentionMs, step.batchSize);
        metrics?.purged({ responseBodies: n });
        cleared += n;
        heartbeat({ cleared });
        if (n < step.batchSize) return { cleared, done: true };
      }
      return { cleared, done: false };
    },
  };
}

export type PurgeActivities = ReturnType<typeof createPurgeActivities>;
