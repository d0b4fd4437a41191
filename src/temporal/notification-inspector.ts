import type { Client } from '@temporalio/client';
import type { Timestamp } from '@temporalio/common';
import type { WorkflowView } from '../domain/delivery';

/** A protobuf Timestamp as a Date (millisecond precision), or null when absent. */
const dateOf = (ts: Timestamp | null | undefined): Date | null =>
  ts == null ? null : new Date((ts.seconds?.toNumber() ?? 0) * 1_000 + Math.floor((ts.nanos ?? 0) / 1_000_000));

/** Long enough for a healthy server on a busy machine, short enough that a request never waits on an unhealthy one. */
const DEADLINE_MS = 1_000;

/**
 * Reads a notification's workflow under a short deadline, with describe only: the server answers it from its own
 * state, whereas a query runs on a worker, which replays the whole history of a workflow it no longer caches. (Whether
 * the workflow holds the notification comes from the database: src/domain/delivery.ts liveDeliveryOf.) Never throws:
 * when Temporal is unreachable, slow, or has no such workflow, the answer is null and the caller has the database.
 */
export class NotificationInspector {
  constructor(
    private readonly client: Client,
    private readonly deadlineMs = DEADLINE_MS,
  ) {}

  async inspect(notificationId: string): Promise<WorkflowView | null> {
    let timer: NodeJS.Timeout | undefined;
    // The gRPC deadline ends the calls; the timer only makes sure the caller is answered if the transport lingers.
    const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), this.deadlineMs + 100)));
    try {
      const read = this.client.withDeadline(Date.now() + this.deadlineMs, () => this.read(notificationId));
      return await Promise.race([read.catch(() => null), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async read(notificationId: string): Promise<WorkflowView> {
    const description = await this.client.workflow.getHandle(notificationId).describe();
    const activity = description.raw.pendingActivities?.[0];
    const next = dateOf(activity?.nextAttemptScheduleTime);
    return {
      workflowStatus: description.status.name,
      activityAttempt: activity?.attempt ?? null,
      lastFailure: activity?.lastFailure?.message ?? null,
      nextRetryAt: next ? next.toISOString() : null,
    };
  }
}
