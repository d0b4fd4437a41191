export { deliverNotification } from './deliver-notification';
export { notificationStateQuery, releaseSignal } from './definitions';
export { recoverSubscription } from './recover-subscription';
export type { DeliverNotificationInput, NotificationWorkflowState, NotificationWorkflowStatus, RecoverSubscriptionInput } from './types';
