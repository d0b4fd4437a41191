import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType, TypedSearchAttributes } from '@temporalio/common';
import type { Config } from '../config/config';
import type { NotificationDispatch, NotificationRepository } from '../persistence/repositories/notification.repository';
import type { DeliverNotificationInput, FirstAttemptMode } from '../../workflows/types';
import type { SearchAttributeName } from './search-attributes';

const keyword = (name: SearchAttributeName) => defineSearchAttributeKey(name, SearchAttributeType.KEYWORD);
const keys = {
  environment: keyword('PludeEnvironment'),
  subscription: keyword('PludeSubscription'),
  event: keyword('PludeEvent'),
  eventType: keyword('PludeEventType'),
};

/** How long confirmed starts wait to be recorded together. */
const RECORD_DELAY_MS = 100;
/** The longest a publish waits for its workflow starts (Temporal unreachable, say); the outbox covers the rest. */
const START_WAIT_MS = 5_000;

export interface DispatcherOptions {
  client: Client;
  notifications: NotificationRepository;
  temporal: Config['temporal'];
  /** How the first attempt of the notifications this process starts runs. */
  firstAttempt: FirstAttemptMode;
  /** Eager start: only when a worker for the task queue runs in this process on the same connection. */
  eager: boolean;
  searchAttributes: boolean;
  warn: (message: string) => void;
  startWaitMs?: number;
}

/** Starts one deliver-notification workflow per notification. The workflow ID is the notification ID. */
export class NotificationDispatcher {
  private unrecorded: string[] = [];
  private recordTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: DispatcherOptions) {}

  /** Starts the workflows; returns the IDs whose workflow now certainly exists. Never throws. */
  async dispatch(dispatches: NotificationDispatch[]): Promise<string[]> {
    const results = await Promise.allSettled(dispatches.map((d) => this.start(d)));
    const started: string[] = [];
    results.forEach((result, i) => {
      if (result.status === 'fulfilled') started.push(dispatches[i].notificationId);
      else this.options.warn(`workflow start for ${dispatches[i].notificationId} failed, recovery will retry: ${String(result.reason)}`);
    });
    return started;
  }

  /**
   * dispatch(), then records the confirmed starts in the outbox. The caller waits for the starts (at most
   * `startWaitMs`), not for the record: marks are batched (one UPDATE per RECORD_DELAY_MS), and a mark that is never
   * written only makes recovery start the workflow again, which the server rejects as a duplicate.
   */
  async dispatchAndRecord(dispatches: NotificationDispatch[]): Promise<void> {
    const recorded = this.dispatch(dispatches).then((started) => {
      this.unrecorded.push(...started);
      this.recordTimer ??= setTimeout(() => void this.flush(), RECORD_DELAY_MS);
    });
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.options.startWaitMs ?? START_WAIT_MS)));
    await Promise.race([recorded, waited]);
    clearTimeout(timer);
  }

  /** Writes the pending dispatch marks now (also on shutdown). */
  async flush(): Promise<void> {
    clearTimeout(this.recordTimer);
    this.recordTimer = undefined;
    const ids = this.unrecorded.splice(0);
    if (ids.length === 0) return;
    await this.options.notifications.markDispatched(ids).catch((err: Error) => this.options.warn(`recording dispatches failed: ${err.message}`));
  }

  private async start(d: NotificationDispatch): Promise<void> {
    const { client, temporal, firstAttempt, eager, searchAttributes } = this.options;
    const input: DeliverNotificationInput = {
      notificationId: d.notificationId,
      eventCreatedAt: d.eventCreatedAt.toISOString(),
      expiresAt: d.expiresAt.toISOString(),
      policy: d.policy,
      firstAttempt,
    };
    try {
      await client.workflow.start('deliverNotification', {
        workflowId: d.notificationId,
        taskQueue: temporal.taskQueue,
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        requestEagerStart: eager,
        typedSearchAttributes: searchAttributes
          ? new TypedSearchAttributes([
              { key: keys.environment, value: d.environmentId },
              { key: keys.subscription, value: d.subscriptionId },
              { key: keys.event, value: d.eventId },
              { key: keys.eventType, value: d.eventType },
            ])
          : undefined,
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }
}
