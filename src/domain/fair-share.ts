/**
 * Fair share between environments (issue 20): one worker process counts its attempts in flight by environment, in
 * memory, and an environment at its cap makes no more until one of its own ends. Its other notifications wait at the
 * gate (a `Gated` failure, reason `environment`) instead of taking the slots every environment shares: the activity
 * slots (WORKER_MAX_CONCURRENT_ACTIVITIES), and the workflow-task slots that a local first attempt holds while it runs.
 * The count is the process's own: N worker processes allow an environment N × the cap.
 */

/** An environment's caps in one process; 0: no cap. */
export interface FairShareCaps {
  /** Attempts in flight at once, of either kind. */
  attempts: number;
  /** Of those, local first attempts (each also holds one of the worker's workflow-task slots while it runs). */
  firstAttempts: number;
}

/** No cap at all. */
export const NO_FAIR_SHARE: FairShareCaps = { attempts: 0, firstAttempts: 0 };

/** `share` (0 < share ≤ 1) of each kind of slot, at least 1; a share of 1 caps nothing. */
export function fairShareCaps(share: number, slots: { activities: number; workflowTasks: number }): FairShareCaps {
  if (share >= 1) return NO_FAIR_SHARE;
  const of = (count: number) => Math.max(1, Math.floor(share * count));
  return { attempts: of(slots.activities), firstAttempts: of(slots.workflowTasks) };
}

/** An environment that waits for its share looks again after this much, plus as much again of jitter. */
export const FAIR_SHARE_POLL_MS = 1_000;

/** A wait for the environment's share, with jitter (`random` in [0, 1)). */
export const fairShareWait = (random: () => number = Math.random) => ({ wait: Math.ceil(FAIR_SHARE_POLL_MS * (1 + random())), reason: 'environment' as const });

interface Count {
  all: number;
  first: number;
}

/** The attempts one process has in flight, by environment. */
export class EnvironmentShare {
  private readonly inFlight = new Map<string, Count>();

  constructor(private readonly caps: FairShareCaps) {}

  /** Counts an attempt of `environmentId` in flight; false (nothing counted) when the environment is at its cap. */
  tryTake(environmentId: string, firstAttempt: boolean): boolean {
    const count = this.inFlight.get(environmentId) ?? { all: 0, first: 0 };
    if (this.caps.attempts > 0 && count.all >= this.caps.attempts) return false;
    if (firstAttempt && this.caps.firstAttempts > 0 && count.first >= this.caps.firstAttempts) return false;
    this.inFlight.set(environmentId, { all: count.all + 1, first: count.first + (firstAttempt ? 1 : 0) });
    return true;
  }

  /** Ends an attempt that tryTake counted. */
  release(environmentId: string, firstAttempt: boolean): void {
    const count = this.inFlight.get(environmentId);
    if (!count) return;
    const next = { all: count.all - 1, first: count.first - (firstAttempt ? 1 : 0) };
    if (next.all <= 0) this.inFlight.delete(environmentId);
    else this.inFlight.set(environmentId, next);
  }

  /** Whether an attempt of the environment would be refused now (nothing counted). */
  isFull(environmentId: string, firstAttempt: boolean): boolean {
    const count = this.inFlight.get(environmentId);
    if (!count) return false;
    if (this.caps.attempts > 0 && count.all >= this.caps.attempts) return true;
    return firstAttempt && this.caps.firstAttempts > 0 && count.first >= this.caps.firstAttempts;
  }

  /** Attempts in flight of the environment (of either kind). */
  inFlightOf(environmentId: string): number {
    return this.inFlight.get(environmentId)?.all ?? 0;
  }
}

/**
 * Which environment a notification belongs to, remembered for the notifications this process told to wait for their
 * environment's share: the next look at one of them, while its environment is still at its cap, needs no query. At
 * most `size` are kept (the oldest is forgotten first); a forgotten one is simply loaded again.
 */
export class RememberedEnvironments {
  private readonly byNotification = new Map<string, string>();

  constructor(private readonly size = 10_000) {}

  get(notificationId: string): string | undefined {
    return this.byNotification.get(notificationId);
  }

  remember(notificationId: string, environmentId: string): void {
    this.byNotification.delete(notificationId);
    this.byNotification.set(notificationId, environmentId);
    if (this.byNotification.size > this.size) {
      const oldest = this.byNotification.keys().next().value;
      if (oldest !== undefined) this.byNotification.delete(oldest);
    }
  }

  forget(notificationId: string): void {
    this.byNotification.delete(notificationId);
  }
}
