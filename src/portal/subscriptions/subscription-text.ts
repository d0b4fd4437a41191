import type { BreakerView, SubscriptionView } from '../../subscriptions/subscription.dto';

/** A subscription's settings as words. */
export const rateText = (rate: number | null) => (rate === null ? 'platform default' : rate === 0 ? 'no limit' : `${rate} a second`);
export const inFlightText = (max: number | null) => (max === null ? 'platform default' : max === 0 ? 'no cap' : String(max));
export const eventTypesText = (types: string[]) => (types.length === 0 ? 'every type' : types.join(', '));
export const statusText = (subscription: SubscriptionView) =>
  subscription.disabledReason === null ? subscription.status : `${subscription.status} (${subscription.disabledReason})`;

export function breakerText(breaker: BreakerView): string {
  const failures = breaker.consecutiveFailures === 1 ? '1 failure' : `${breaker.consecutiveFailures} failures`;
  const until = breaker.until === null ? '' : ` until ${breaker.until}`;
  return `${breaker.state}${until}, ${failures} since the last success`;
}

/** What a change just did, by the `done` the redirect after it carries: only these words are ever shown. */
export const DONE_NOTICES: Record<string, string> = {
  created: 'Subscribed. Reveal its signing key below to verify what it receives.',
  saved: 'Saved.',
  paused: 'Paused: notifications are held until you resume it.',
  resumed: 'Resumed: held notifications are on their way.',
  rotated: 'A new signing key signs from now on; the older ones keep signing for the overlap you chose.',
  deleted: 'Deleted: its pending notifications were cancelled.',
};

export const noticeFor = (done: unknown) => (typeof done === 'string' && Object.hasOwn(DONE_NOTICES, done) ? DONE_NOTICES[done] : undefined);
