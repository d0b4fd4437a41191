import { continueAsNew, log, proxyActivities } from '@temporalio/workflow';
import type { PurgeActivities } from '../activities/purge';
import type { PurgeCounts } from '../src/domain/purge';
import type { PurgeDataInput } from './types';

const { purgeEvents, clearResponseBodies } = proxyActivities<PurgeActivities>({
  // A step is a bounded number of short batches; it heartbeats after each one, so a dead worker is noticed in 1 min.
  startToCloseTimeout: '30m',
  heartbeatTimeout: '1m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
  summary: 'purge a step of batches',
});

const ZERO: PurgeCounts = { events: 0, notifications: 0, attempts: 0, responseBodies: 0 };

const add = (a: PurgeCounts, b: PurgeCounts): PurgeCounts => ({
  events: a.events + b.events,
  notifications: a.notifications + b.notifications,
  attempts: a.attempts + b.attempts,
  responseBodies: a.responseBodies + b.responseBodies,
});

/**
 * Deletes what is past its retention (issue 21), run by the purge's Temporal Schedule: first the events whose
 * notifications all ended `retentionMs` ago or more, with their notifications and attempts (pending notifications are
 * never touched), walking the events by ID; then, when `responseBodyRetentionMs` is shorter, the response bodies of
 * older attempts. Each activity call is a step of batches; after `stepsPerRun` steps the workflow continues as new,
 * carrying its cursor and its counts, so a backlog of millions keeps a small history. Returns what it deleted.
 */
export async function purgeData(input: PurgeDataInput): Promise<PurgeCounts> {
  let purged = input.purged ?? ZERO;
  let after = input.after ?? null;
  let phase = input.phase ?? 'events';
  const { batchSize, batchesPerStep: batches } = input;
  for (let step = 0; step < input.stepsPerRun; step++) {
    if (phase === 'events') {
      const result = await purgeEvents({ retentionMs: input.retentionMs, after, batchSize, batches });
      purged = add(purged, result.purged);
      after = result.next;
      if (after === null) phase = input.responseBodyRetentionMs < input.retentionMs ? 'responseBodies' : 'done';
    } else if (phase === 'responseBodies') {
      const result = await clearResponseBodies({ retentionMs: input.responseBodyRetentionMs, batchSize, batches });
      purged = add(purged, { ...ZERO, responseBodies: result.cleared });
      if (result.done) phase = 'done';
    }
    if (phase === 'done') {
      log.info('purge done', { ...purged });
      return purged;
    }
  }
  return continueAsNew<typeof purgeData>({ ...input, purged, after, phase });
}
