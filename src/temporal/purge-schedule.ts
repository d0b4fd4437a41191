import { type Client, ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy } from '@temporalio/client';
import { purgeData } from '../../workflows/purge-data';
import type { PurgeDataInput } from '../../workflows/types';
import type { Config } from '../config/config';

/** Rows a batch deletes in one short transaction, batches per activity call, calls per run (then continue-as-new). */
const BATCH_SIZE = 500;
const BATCHES_PER_STEP = 20;
const STEPS_PER_RUN = 50;

/** What `plude purge --now` tells: whether a purge was started, or one was already running (then none is). */
export interface PurgeTrigger {
  scheduleId: string;
  alreadyRunning: boolean;
}

/**
 * The purge's Temporal Schedule (issue 21): one per task queue, `plude-purge-<task queue>`, visible on the Web UI's
 * Schedules page. It starts the purge workflow every PURGE_INTERVAL with the RETENTION and RESPONSE_BODY_RETENTION
 * of the worker that last made sure of it, and never two at once (overlap policy SKIP). Made sure of at each worker's
 * start-up: created if missing, updated if its interval or input differ, left alone otherwise; two start-ups at once
 * are both fine (one creates it, the other finds it).
 */
export class PurgeSchedule {
  readonly scheduleId: string;

  constructor(
    private readonly client: Client,
    private readonly temporal: Pick<Config['temporal'], 'taskQueue'>,
    private readonly retention: Config['retention'],
  ) {
    this.scheduleId = `plude-purge-${temporal.taskQueue}`;
  }

  /** The purge workflow's input. */
  input(): PurgeDataInput {
    const { retentionMs, responseBodyRetentionMs } = this.retention;
    return { retentionMs, responseBodyRetentionMs, batchSize: BATCH_SIZE, batchesPerStep: BATCHES_PER_STEP, stepsPerRun: STEPS_PER_RUN };
  }

  /** Creates, updates or (PURGE_INTERVAL=0) deletes the schedule; what it did. */
  async ensure(): Promise<'created' | 'updated' | 'unchanged' | 'deleted' | 'none'> {
    const handle = this.client.schedule.getHandle(this.scheduleId);
    if (this.retention.purgeIntervalMs === 0) {
      try {
        await handle.delete();
        return 'deleted';
      } catch (err) {
        if (err instanceof ScheduleNotFoundError) return 'none';
        throw err;
      }
    }
    const input = this.input();
    const action = {
      type: 'startWorkflow' as const,
      workflowType: purgeData,
      workflowId: this.scheduleId,
      taskQueue: this.temporal.taskQueue,
      args: [input] as [PurgeDataInput],
      staticSummary: 'purge what is past RETENTION',
    };
    const spec = { intervals: [{ every: this.retention.purgeIntervalMs }] };
    try {
      await this.client.schedule.create({
        scheduleId: this.scheduleId,
        spec,
        action,
        policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1m' },
        state: { note: 'plude-webhooks: deletes finished notifications, their attempts and events past RETENTION' },
      });
      return 'created';
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    }
    const current = await handle.describe();
    const interval = current.spec.intervals?.[0]?.every;
    const same =
      current.action.taskQueue === this.temporal.taskQueue &&
      interval === this.retention.purgeIntervalMs &&
      JSON.stringify(current.action.args?.[0]) === JSON.stringify(input);
    if (same) return 'unchanged';
    await handle.update((previous) => ({ ...previous, spec, action }));
    return 'updated';
  }

  /** Starts a purge now (`plude purge --now`), unless one is running; null when there is no schedule. */
  async trigger(): Promise<PurgeTrigger | null> {
    const handle = this.client.schedule.getHandle(this.scheduleId);
    try {
      const { info } = await handle.describe();
      if (info.runningActions.length > 0) return { scheduleId: this.scheduleId, alreadyRunning: true };
      await handle.trigger(ScheduleOverlapPolicy.SKIP);
      return { scheduleId: this.scheduleId, alreadyRunning: false };
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) return null;
      throw err;
    }
  }
}
