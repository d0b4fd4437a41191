import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { BareActivities } from './activities';

const retry = { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '1h' } as const;
const { post } = proxyActivities<BareActivities>({ startToCloseTimeout: '15s', retry });
const { post: postLocally } = proxyLocalActivities<BareActivities>({ startToCloseTimeout: '15s', retry: { maximumAttempts: 1 } });

/** Baseline of the old shape: a bare workflow whose one activity makes the same signed POST, payload passed in. */
export async function bareDelivery(url: string, body: string): Promise<void> {
  await post(url, body);
}

/** Baseline of the new shape: the first try as a local activity, the regular activity only if it fails. */
export async function bareDeliveryLocalFirst(url: string, body: string): Promise<void> {
  try {
    await postLocally(url, body);
  } catch {
    await post(url, body);
  }
}
