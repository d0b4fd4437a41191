import { proxyActivities } from '@temporalio/workflow';
import type { BareActivities } from './activities';

const { post } = proxyActivities<BareActivities>({
  startToCloseTimeout: '15s',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '1h' },
});

/** The baseline: a bare workflow whose one activity makes the same signed POST, payload passed in. */
export async function bareDelivery(url: string, body: string): Promise<void> {
  await post(url, body);
}
