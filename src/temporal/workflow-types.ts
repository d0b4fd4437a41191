import { deliverNotification } from '../../workflows';

/** The delivery workflow's type as Temporal records it (its function's name), for readers of the SDK's log lines. */
export const DELIVERY_WORKFLOW_TYPE = deliverNotification.name;
