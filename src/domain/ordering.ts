/**
 * Ordered delivery per key (issue 22): the words and limits of the rule, shared by the API, the storage, the activity
 * and (by `import type`) the workflow.
 *
 * A subscription with `ordering: key` orders its notifications of each `orderingKey`: each has a place in its key
 * (taken when the publish commits), and none is attempted until every notification of the same subscription and key
 * with an earlier place has ended (succeeded, expired, cancelled or skipped).
 */

/**
 * An ordering key: 1-256 printable characters (counted as Unicode code points, as PostgreSQL's char_length does):
 * no control, format, private-use, unassigned or surrogate code points, and no separator but the space.
 */
export const ORDERING_KEY = /^(?:[^\p{C}\p{Z}]| ){1,256}$/u;
export const ORDERING_KEY_MESSAGE = 'orderingKey must be a string of 1-256 printable characters';

export const isOrderingKey = (value: unknown): value is string => typeof value === 'string' && ORDERING_KEY.test(value);

/** What ordering needs from storage. Implemented by src/persistence/repositories/ordering.repository.ts. */
export interface OrderingStore {
  /** After an ordered notification ended: the first pending notification of its key (its turn now), or null. */
  headOfKeyOf(notificationId: string): Promise<string | null>;
}

/** Why an ordered notification is not attempted yet: the first notification of its key that has not ended. */
export interface TurnWait {
  /** The key's head: the pending notification with the earliest place, which must end first. */
  headId: string;
}
