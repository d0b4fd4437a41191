export { deliverNotification, notificationStateQuery, releaseSignal } from './deliver-notification';
export { recoverSubscription } from './recover-subscription';
export type { DeliverNotificationInput, NotificationWorkflowState, NotificationWorkflowStatus, RecoverSubscriptionInput } from './types';
