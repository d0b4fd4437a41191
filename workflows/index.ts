export { deliverNotification, notificationStateQuery, releaseSignal } from './deliver-notification';
export type { DeliverNotificationInput, NotificationWorkflowState, NotificationWorkflowStatus } from './types';
