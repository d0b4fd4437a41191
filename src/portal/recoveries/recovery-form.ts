import { RecoverRequest } from '../../recoveries/recovery.dto';
import { checkedRequest } from '../form-input';

/** The recovery form's fields as posted (urlencoded): every value a string, or absent. */
export interface RecoveryFormFields {
  subscription?: unknown;
  since?: unknown;
  until?: unknown;
}

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

/** A `datetime-local` input's value has no zone: the form says its times are UTC. */
const asUtc = (value: string): string => (value === '' || /(Z|[+-]\d\d:\d\d)$/i.test(value) ? value : `${value}Z`);

/**
 * The form as the API's request, checked by the API's own DTO rules (RecoverRequest): a wrong time is the same 400
 * with the same message as on the API. The service checks the rest (the range's order, the subscription).
 */
export async function recoverRequestOf(fields: RecoveryFormFields): Promise<{ subscriptionId: string; request: RecoverRequest }> {
  const until = asUtc(text(fields.until));
  const plain = until === '' ? { since: asUtc(text(fields.since)) } : { since: asUtc(text(fields.since)), until };
  await checkedRequest(RecoverRequest, plain);
  return { subscriptionId: text(fields.subscription), request: plain };
}
