import { ApplicationFailure } from '@temporalio/activity';
import type { HoldingSubscriptionStatus } from '../src/domain/statuses';
import { NON_RETRYABLE } from '../workflows/definitions';

/** Non-retryable: the subscription is paused or disabled; the workflow waits for its release without attempting. */
export const held = (subscriptionId: string, why: HoldingSubscriptionStatus) =>
  ApplicationFailure.create({ message: `held: subscription ${subscriptionId} is ${why}`, type: NON_RETRYABLE.held, nonRetryable: true });

/** Retryable: the next try loads the notification again and returns its new status without an attempt. */
export const notPendingAnyMore = (notificationId: string) =>
  ApplicationFailure.create({ message: `notification ${notificationId} stopped being pending before its attempt started`, nonRetryable: false });
