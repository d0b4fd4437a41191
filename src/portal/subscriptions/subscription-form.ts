import type { DomainErrorCode } from '../../domain/errors';
import type { SubscribeRequest, SubscriptionView, UpdateSubscriptionRequest } from '../../subscriptions/subscription.dto';
import { type FormBody, listField, numberOrNull, textField } from '../form-input';

/** The subscription form's fields as the reader typed them: shown again as they were when the input is refused. */
export interface SubscriptionFormValues {
  url: string;
  /** The catalog's types ticked. */
  eventTypes: string[];
  /** Further types or prefixes (`invoice.*`), separated by commas or spaces. */
  otherEventTypes: string;
  rateLimit: string;
  maxInFlight: string;
  ordering: string;
}

export const EMPTY_SUBSCRIPTION_FORM: SubscriptionFormValues = {
  url: '',
  eventTypes: [],
  otherEventTypes: '',
  rateLimit: '',
  maxInFlight: '',
  ordering: 'none',
};

export function subscriptionFormOf(body: FormBody): SubscriptionFormValues {
  return {
    url: textField(body, 'url'),
    eventTypes: listField(body, 'eventTypes'),
    otherEventTypes: textField(body, 'otherEventTypes'),
    rateLimit: textField(body, 'rateLimit'),
    maxInFlight: textField(body, 'maxInFlight'),
    ordering: textField(body, 'ordering') || 'none',
  };
}

/** A subscription's settings in the form: the types of `catalogTypes` as ticks, the rest (prefixes, undeclared types) as text. */
export function subscriptionFormFrom(subscription: SubscriptionView, catalogTypes: string[]): SubscriptionFormValues {
  const declared = new Set(catalogTypes);
  return {
    url: subscription.url,
    eventTypes: subscription.eventTypes.filter((type) => declared.has(type)),
    otherEventTypes: subscription.eventTypes.filter((type) => !declared.has(type)).join(', '),
    rateLimit: subscription.rateLimit === null ? '' : String(subscription.rateLimit),
    maxInFlight: subscription.maxInFlight === null ? '' : String(subscription.maxInFlight),
    ordering: subscription.ordering,
  };
}

function eventTypesOf(values: SubscriptionFormValues): string[] {
  const others = values.otherEventTypes.split(/[\s,]+/).filter((type) => type.length > 0);
  return [...new Set([...values.eventTypes, ...others])];
}

/** What the form asks of the API: every field, an empty limit being the platform's default (null). */
export function subscriptionRequestOf(values: SubscriptionFormValues): SubscribeRequest & UpdateSubscriptionRequest {
  return {
    url: values.url,
    eventTypes: eventTypesOf(values),
    rateLimit: numberOrNull(values.rateLimit),
    maxInFlight: numberOrNull(values.maxInFlight),
    ordering: values.ordering as SubscribeRequest['ordering'],
  };
}

/** The field a domain error of the subscription form is about: the URL policy's refusals go beside the URL. */
export const subscriptionFieldOf = (code: DomainErrorCode): string => (code === 'invalid_url' || code === 'private_target' ? 'url' : '');
