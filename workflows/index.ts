export { deliverNotification, notificationStateQuery } from './deliver-notification';
export type { DeliverNotificationInput, NotificationWorkflowState, NotificationWorkflowStatus } from './types';
