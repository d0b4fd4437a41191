import { EXPIRY_REASONS, OPERATIONS_ENVIRONMENT_ID, type OperationalEventType } from './operational-events';
import { DISABLED_REASONS } from './statuses';

/** A type of the platform catalog as declared: the shape of src/persistence's EventTypeDeclaration. */
export interface OperationalEventTypeDeclaration {
  name: OperationalEventType;
  description: string;
  schema: Record<string, unknown>;
  example: Record<string, unknown>;
}

const SENT_TO = `Sent to the operational webhook (PUT /admin/operational-webhook); the envelope's environment is \`${OPERATIONS_ENVIRONMENT_ID}\`, data.environment the one concerned.`;

const environment = { type: 'string', description: 'the environment of the subscription concerned' };
const subscription = {
  type: 'object',
  properties: { id: { type: 'string', pattern: '^sub_' }, url: { type: 'string', format: 'uri' } },
  required: ['id', 'url'],
};
const notification = {
  type: ['object', 'null'],
  description: 'the notification concerned; null when none is',
  properties: {
    id: { type: 'string', pattern: '^ntf_' },
    eventId: { type: 'string', pattern: '^evt_' },
    eventType: { type: 'string' },
    attemptCount: { type: 'integer', minimum: 0 },
    expiresAt: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'eventId', 'eventType', 'attemptCount', 'expiresAt'],
};

/** The data of every operational event: the environment, the subscription, the notification (or null), the reason. */
const dataSchema = (reason: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'object',
  properties: { environment, subscription, notification, reason, ...extra },
  required: ['environment', 'subscription', 'notification', 'reason'],
});

const exampleSubscription = { id: 'sub_2x4Gq8VbN3kPz7Rt', url: 'https://hooks.example.com/plude' };
const exampleNotification = {
  id: 'ntf_2x4Gr1YcM5nQa9Wu',
  eventId: 'evt_2x4Gr0XbL4mPz8Vt',
  eventType: 'invoice.paid',
  attemptCount: 12,
  expiresAt: '2025-12-04T10:00:00.000Z',
};
const breakerReason = { type: 'string', description: 'what opened or closed it, e.g. retry_after, consecutive_failures, recovered' };
const until = { type: ['string', 'null'], format: 'date-time', description: 'until when the breaker stays open, when known' };

/**
 * The operational event types, declared in the platform catalog by a migration (1765200000000-operational-webhooks):
 * a later change here needs a new migration that declares them again.
 */
export const OPERATIONAL_EVENT_TYPE_DECLARATIONS: OperationalEventTypeDeclaration[] = [
  {
    name: 'subscription.disabled',
    description: `The service disabled a subscription: its receiver answered 410 Gone (reason gone), or it had no 2xx for AUTO_DISABLE_AFTER (reason failing). Its notifications are held until it is made active again. ${SENT_TO}`,
    schema: dataSchema({ enum: [...DISABLED_REASONS] }),
    example: { environment: 'production', subscription: exampleSubscription, notification: { ...exampleNotification, attemptCount: 1 }, reason: 'gone' },
  },
  {
    name: 'notification.expired',
    description: `A notification's delivery window closed without a 2xx: its attempts ran out (reason exhausted), or its subscription was paused or disabled then (reason paused, disabled). ${SENT_TO}`,
    schema: dataSchema({ enum: [...EXPIRY_REASONS] }),
    example: { environment: 'production', subscription: exampleSubscription, notification: exampleNotification, reason: 'exhausted' },
  },
  {
    name: 'subscription.breaker_opened',
    description: `A subscription's circuit breaker opened: none of its notifications is attempted until it closes. ${SENT_TO}`,
    schema: dataSchema(breakerReason, { until }),
    example: {
      environment: 'production',
      subscription: exampleSubscription,
      notification: { ...exampleNotification, attemptCount: 3 },
      reason: 'retry_after',
      until: '2025-12-01T10:05:00.000Z',
    },
  },
  {
    name: 'subscription.breaker_closed',
    description: `A subscription's circuit breaker closed: its waiting notifications are released, paced. ${SENT_TO}`,
    schema: dataSchema(breakerReason),
    example: { environment: 'production', subscription: exampleSubscription, notification: null, reason: 'recovered' },
  },
];
