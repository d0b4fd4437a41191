import type { DeliveryPolicy } from '../domain/retry-schedule';

/**
 * The delivery policy's columns, declared once: each field of DeliveryPolicy and the column that stores it, in the
 * notifications table (the policy a notification keeps) and the recoveries table (the policy its redeliveries get).
 */
export const POLICY_COLUMNS = {
  initialIntervalMs: 'retry_initial_interval_ms',
  maximumIntervalMs: 'retry_maximum_interval_ms',
  backoffCoefficient: 'retry_backoff_coefficient',
  attemptTimeoutMs: 'attempt_timeout_ms',
} as const satisfies Record<keyof DeliveryPolicy, string>;

type PolicyField = keyof DeliveryPolicy;
type PolicyColumn = (typeof POLICY_COLUMNS)[PolicyField];
const FIELDS = Object.keys(POLICY_COLUMNS) as PolicyField[];

/** A row holding the policy's columns, as the pg driver returns it. */
export type PolicyRow = Record<PolicyColumn, number>;

/** `retry_initial_interval_ms, …`, optionally qualified: `n.retry_initial_interval_ms, …`. */
export const policyColumnList = (alias?: string): string => FIELDS.map((f) => (alias ? `${alias}.` : '') + POLICY_COLUMNS[f]).join(', ');

/** The policy's values in the order of policyColumnList(), for query parameters. */
export const policyValues = (policy: DeliveryPolicy): number[] => FIELDS.map((f) => policy[f]);

/** The policy read back from a row's columns. */
export const policyOf = (row: PolicyRow): DeliveryPolicy => Object.fromEntries(FIELDS.map((f) => [f, row[POLICY_COLUMNS[f]]])) as unknown as DeliveryPolicy;

/** `json_build_object('initialIntervalMs', n.retry_initial_interval_ms, …)`: the policy of row `alias` as JSON. */
export const policyJson = (alias: string): string => `json_build_object(${FIELDS.map((f) => `'${f}', ${alias}.${POLICY_COLUMNS[f]}`).join(', ')})`;

/** Each field's column of row `alias` (`r.retry_initial_interval_ms`, …), as SQL expressions for policyAssignments(). */
export const policyColumnsOf = (alias: string): Record<PolicyField, string> =>
  Object.fromEntries(FIELDS.map((f) => [f, `${alias}.${POLICY_COLUMNS[f]}`])) as Record<PolicyField, string>;

/** Query parameters `$first`, `$first+1`, … for the fields, in the order of policyValues(). */
export const policyParameters = (first: number): Record<PolicyField, string> =>
  Object.fromEntries(FIELDS.map((f, i) => [f, `$${first + i}`])) as Record<PolicyField, string>;

/** `retry_initial_interval_ms = <expression>, …`: a SET clause from one SQL expression per field. */
export const policyAssignments = (values: Record<PolicyField, string>): string => FIELDS.map((f) => `${POLICY_COLUMNS[f]} = ${values[f]}`).join(', ');
