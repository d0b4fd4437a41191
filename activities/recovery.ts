import type { RecoveryCursor, RecoveryPage } from '../workflows/types';
import type { RecoveryStore, RedeliveryStarter } from './ports';

export interface RecoveryActivityDeps {
  store: RecoveryStore;
  starter: RedeliveryStarter;
  /** How long a redelivered row is left to this activity's own start before recovery may start it. */
  graceMs: number;
}

/** The recover-subscription workflow's activities: one page of redeliveries at a time, then the end. */
export function createRecoveryActivities({ store, starter, graceMs }: RecoveryActivityDeps) {
  return {
    /**
     * Redelivers the next page of the range (one statement: the rows are pending outbox rows from then on) and
     * starts their workflows, a bounded number at a time. A start that fails is left to the outbox's recovery, so a
     * page never fails because of one notification; a page retried after a crash finds its rows already pending.
     */
    redeliverPage: async (recoveryId: string, after: RecoveryCursor | null, limit: number): Promise<RecoveryPage> => {
      const { dispatches, next } = await store.redeliverPage(recoveryId, after, limit, graceMs);
      const started = dispatches.length > 0 ? await starter.dispatch(dispatches) : [];
      await starter.markDispatched(started);
      return { next, redelivered: dispatches.length, started: started.length };
    },

    completeRecovery: async (recoveryId: string): Promise<void> => {
      await store.complete(recoveryId);
    },
  };
}

export type RecoveryActivities = ReturnType<typeof createRecoveryActivities>;
