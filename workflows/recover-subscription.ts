import { continueAsNew, proxyActivities } from '@temporalio/workflow';
import type { RecoveryActivities } from '../activities/recovery';
import type { RecoverSubscriptionInput } from './types';

const { redeliverPage, completeRecovery } = proxyActivities<RecoveryActivities>({
  // A page starts at most pageSize workflows, 32 at a time, each with a 10 s deadline.
  startToCloseTimeout: '5m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
  summary: 'redeliver a page of the range',
});

/**
 * Recovers a subscription's notifications over a time range: pages through them in order and redelivers those that
 * expired or were cancelled. After `pagesPerRun` pages it continues as new, carrying the cursor, so that a recovery
 * of a million notifications keeps a small history. The recovery's range, window and policy are in the database.
 */
export async function recoverSubscription(input: RecoverSubscriptionInput): Promise<void> {
  let after = input.after;
  for (let page = 0; page < input.pagesPerRun; page++) {
    const result = await redeliverPage(input.recoveryId, after, input.pageSize);
    if (result.next === null) {
      await completeRecovery(input.recoveryId);
      return;
    }
    after = result.next;
  }
  return continueAsNew<typeof recoverSubscription>({ ...input, after });
}
