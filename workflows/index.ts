export { deliverNotification } from './deliver-notification';
export { notificationStateQuery, releaseSignal } from './definitions';
export { purgeData } from './purge-data';
export { recoverSubscription } from './recover-subscription';
export type { DeliverNotificationInput, NotificationWorkflowState, NotificationWorkflowStatus, PurgeDataInput, RecoverSubscriptionInput } from './types';
