import type { Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { recoverSubscription } from '../../workflows/recover-subscription';
import type { RecoverSubscriptionInput } from '../../workflows/types';
import type { Config } from '../config/config';
import type { RecoveryEntity } from '../persistence/entities';
import { fairnessOf } from './fairness';
import { SEARCH_ATTRIBUTE_KEYS } from './search-attributes';

/** Deadline of the start call. */
const START_TIMEOUT_MS = 10_000;

const keys = SEARCH_ATTRIBUTE_KEYS;

export interface RecoveryWorkflowsOptions {
  client: Client;
  temporal: Config['temporal'];
  recovery: Config['recovery'];
  searchAttributes: boolean;
}

/** Starts one recover-subscription workflow per recovery; its workflow ID is the recovery ID. */
export class RecoveryWorkflows {
  constructor(private readonly options: RecoveryWorkflowsOptions) {}

  async start(recovery: RecoveryEntity): Promise<void> {
    const { client, temporal, recovery: paging, searchAttributes } = this.options;
    const input: RecoverSubscriptionInput = { recoveryId: recovery.id, after: null, pageSize: paging.pageSize, pagesPerRun: paging.pagesPerRun };
    const range = `${recovery.rangeStart.toISOString()} → ${recovery.rangeEnd.toISOString()}`;
    await client.withDeadline(Date.now() + START_TIMEOUT_MS, () =>
      client.workflow.start(recoverSubscription, {
        workflowId: recovery.id,
        taskQueue: temporal.taskQueue,
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        priority: fairnessOf(recovery.environmentId),
        staticSummary: `recover ${recovery.subscriptionId}: ${recovery.total} notifications`,
        staticDetails: [`- subscription: \`${recovery.subscriptionId}\``, `- environment: \`${recovery.environmentId}\``, `- events created ${range}`].join(
          '\n',
        ),
        typedSearchAttributes: searchAttributes
          ? new TypedSearchAttributes([
              { key: keys.environment, value: recovery.environmentId },
              { key: keys.subscription, value: recovery.subscriptionId },
            ])
          : undefined,
      }),
    );
  }
}
