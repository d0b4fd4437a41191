export { deliverNotification, notificationStateQuery, releaseSignal } from './deliver-notification';
export type { DeliverNotificationInput, DeliveryTrigger, NotificationWorkflowState, NotificationWorkflowStatus } from './types';
