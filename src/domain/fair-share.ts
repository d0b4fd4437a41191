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
  /**
   * Of those, local tries: attempt 1, and the try after a release (each also holds one of the worker's workflow-task
   * slots while it runs).
   */
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

/** A notification refused its environment's share looks again after at least this much, plus as much again of jitter. */
export const FAIR_SHARE_POLL_MS = 1_000;
/** The longest a refused notification waits before it looks again (never past its expiresAt either). */
export const FAIR_SHARE_MAX_WAIT_MS = 60_000;
/** How much of each new attempt's duration goes into an environment's average (an exponential moving average). */
const DURATION_WEIGHT = 0.2;

/**
 * The turns of an environment's refused notifications, in one process. A place of the environment frees up every
 * `average attempt duration / cap` on average, so each refused notification is given the next turn after the last one
 * given, that far after it: the refused come back about as fast as places free up, in the order they were refused,
 * whatever their number, instead of every one of them looking again every second (each look is an activity task
 * that Temporal dispatches and records). A turn is at least FAIR_SHARE_POLL_MS away and at most
 * FAIR_SHARE_MAX_WAIT_MS; with no queue, a refused notification looks again after 1-2 s.
 */
export class ShareTurns {
  private readonly lastTurn = new Map<string, number>();
  private readonly durationMs = new Map<string, number>();

  constructor(private readonly caps: FairShareCaps) {}

  /** An attempt of the environment took `ms` (from its share taken to given back). */
  ended(environmentId: string, ms: number): void {
    const average = this.durationMs.get(environmentId);
    this.durationMs.set(environmentId, average === undefined ? ms : average + DURATION_WEIGHT * (ms - average));
  }

  /** The wait of a notification of the environment refused now (`random` in [0, 1), for jitter). */
  refused(environmentId: string, now: number, random: () => number = Math.random): { wait: number; reason: 'environment' } {
    const spacing = (this.durationMs.get(environmentId) ?? FAIR_SHARE_POLL_MS) / Math.max(1, this.caps.attempts);
    const earliest = now + FAIR_SHARE_POLL_MS;
    const turn = Math.min(Math.max(earliest, (this.lastTurn.get(environmentId) ?? -Infinity) + spacing), now + FAIR_SHARE_MAX_WAIT_MS);
    this.lastTurn.set(environmentId, turn);
    if (this.lastTurn.size > TURNS_KEPT) this.forgetPast(now);
    return { wait: Math.ceil(turn - now + random() * FAIR_SHARE_POLL_MS), reason: 'environment' };
  }

  /** Forgets the environments whose last turn has passed (their next refusal starts a new queue anyway). */
  private forgetPast(now: number): void {
    for (const [environmentId, turn] of this.lastTurn) if (turn < now) this.lastTurn.delete(environmentId);
  }
}

/** Environments whose queues ShareTurns keeps before it forgets those whose turns are past. */
const TURNS_KEPT = 1_000;

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
