import type { OrderingStore } from '../src/domain/ordering';

/** Wakes a notification's workflow with the `turn` signal (src/temporal/turn-signals.ts); one not running needs nothing. */
export interface TurnSignaller {
  signalTurn(notificationId: string): Promise<void>;
}

export interface OrderingDeps {
  store: OrderingStore;
  turns: TurnSignaller;
}

/**
 * Ordered delivery's activity (issue 22). An ordered notification's workflow runs it once the notification ended
 * (succeeded, expired, cancelled or skipped): the first pending notification of its key, whose turn it may now be, is
 * told so. It looks at the database again, so a signal to one whose turn has not come yet only costs it one look.
 */
export function createOrderingActivities({ store, turns }: OrderingDeps) {
  return {
    /** Signals the key's head now (if any); returns its ID. Retried by Temporal while the signal cannot be sent. */
    async passTurn(notificationId: string): Promise<string | null> {
      const head = await store.headOfKeyOf(notificationId);
      if (head !== null) await turns.signalTurn(head);
      return head;
    },
  };
}

export type OrderingActivities = ReturnType<typeof createOrderingActivities>;
