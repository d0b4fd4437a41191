import { ApplicationFailure } from '@temporalio/common';
import { createActivities } from '../../activities';
import type { DeliveryContext, DeliveryStore } from '../../activities/ports';
import { loadConfig } from '../../src/config/config';
import { EnvironmentShare, FAIR_SHARE_MAX_WAIT_MS, FAIR_SHARE_POLL_MS, fairShareCaps, RememberedEnvironments, ShareTurns } from '../../src/domain/fair-share';
import { OPEN_GATE } from '../../src/domain/gate';

describe('fair share between environments: the caps', () => {
  it('are the share of the activity slots and of the workflow-task slots, at least 1; a share of 1 caps nothing', () => {
    expect(fairShareCaps(0.5, { activities: 200, workflowTasks: 40 })).toEqual({ attempts: 100, firstAttempts: 20 });
    expect(fairShareCaps(0.01, { activities: 20, workflowTasks: 40 })).toEqual({ attempts: 1, firstAttempts: 1 });
    expect(fairShareCaps(1, { activities: 200, workflowTasks: 40 })).toEqual({ attempts: 0, firstAttempts: 0 });
  });

  it('an environment at its cap is refused, the others are not; an attempt that ends frees a place', () => {
    const share = new EnvironmentShare({ attempts: 2, firstAttempts: 1 });
    expect([share.tryTake('a', false), share.tryTake('a', false), share.tryTake('a', false)]).toEqual([true, true, false]);
    expect(share.isFull('a', false)).toBe(true);
    expect(share.tryTake('b', false)).toBe(true);
    share.release('a', false);
    expect(share.inFlightOf('a')).toBe(1);
    expect(share.tryTake('a', false)).toBe(true);
    expect(share.inFlightOf('b')).toBe(1);
  });

  it('local first attempts have a cap of their own within the total', () => {
    const share = new EnvironmentShare({ attempts: 3, firstAttempts: 1 });
    expect(share.tryTake('a', true)).toBe(true);
    expect(share.tryTake('a', true)).toBe(false);
    expect(share.isFull('a', true)).toBe(true);
    expect(share.isFull('a', false)).toBe(false);
    expect([share.tryTake('a', false), share.tryTake('a', false), share.tryTake('a', false)]).toEqual([true, true, false]);
    expect(share.tryTake('a', false)).toBe(false); // the total is at its cap
    share.release('a', true);
    expect(share.tryTake('a', true)).toBe(true);
    expect(share.tryTake('a', false)).toBe(false);
  });

  it('no cap: every attempt passes', () => {
    const share = new EnvironmentShare({ attempts: 0, firstAttempts: 0 });
    for (let i = 0; i < 1_000; i++) expect(share.tryTake('a', i % 2 === 0)).toBe(true);
    expect(share.isFull('a', true)).toBe(false);
  });

  it('remembers the environments of at most `size` waiting notifications, forgetting the oldest first', () => {
    const remembered = new RememberedEnvironments(2);
    remembered.remember('n1', 'a');
    remembered.remember('n2', 'a');
    remembered.remember('n3', 'b');
    expect([remembered.get('n1'), remembered.get('n2'), remembered.get('n3')]).toEqual([undefined, 'a', 'b']);
    remembered.forget('n2');
    expect(remembered.get('n2')).toBeUndefined();
  });

  it('turns: a refused notification with no queue looks again after 1-2 s', () => {
    const turns = new ShareTurns({ attempts: 10, firstAttempts: 5 });
    expect(turns.refused('a', 0, () => 0)).toEqual({ wait: FAIR_SHARE_POLL_MS, reason: 'environment' });
    expect(turns.refused('b', 0, () => 0.999).wait).toBe(2 * FAIR_SHARE_POLL_MS - 1);
  });

  it('turns: the refused are spaced by the time a place takes to free up (average attempt / cap), in the order refused', () => {
    const turns = new ShareTurns({ attempts: 10, firstAttempts: 5 });
    turns.ended('a', 5_000); // a place frees up every 500 ms
    const waits = Array.from({ length: 6 }, () => turns.refused('a', 0, () => 0).wait);
    expect(waits).toEqual([1_000, 1_500, 2_000, 2_500, 3_000, 3_500]);
    // 10 s later the queue has moved on: the next turn is after the last one given, or 1 s away if that has passed.
    expect(turns.refused('a', 3_000, () => 0).wait).toBe(1_000);
    expect(turns.refused('a', 20_000, () => 0).wait).toBe(1_000);
    // Another environment's queue is its own.
    expect(turns.refused('b', 20_000, () => 0).wait).toBe(1_000);
  });

  it('turns: however long the queue, a refused notification looks again within FAIR_SHARE_MAX_WAIT_MS (plus jitter)', () => {
    const turns = new ShareTurns({ attempts: 1, firstAttempts: 1 });
    turns.ended('a', 10_000);
    const waits = Array.from({ length: 20 }, () => turns.refused('a', 0, () => 0).wait);
    expect(Math.max(...waits)).toBe(FAIR_SHARE_MAX_WAIT_MS);
    expect(waits.slice(0, 3)).toEqual([1_000, 11_000, 21_000]);
  });

  it('turns: the average attempt follows the recent ones', () => {
    const turns = new ShareTurns({ attempts: 1, firstAttempts: 1 });
    turns.ended('a', 10_000);
    for (let i = 0; i < 40; i++) turns.ended('a', 2_000);
    const first = turns.refused('a', 0, () => 0).wait;
    expect(turns.refused('a', 0, () => 0).wait - first).toBeLessThan(2_010); // spaced by about 2 s, not 10
  });

  it('ENVIRONMENT_MAX_IN_FLIGHT_SHARE is a fraction in (0, 1], 0.5 by default', () => {
    const base = { ADMIN_TOKEN: 'a'.repeat(32), ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64') };
    expect(loadConfig(base).worker.environmentShare).toBe(0.5);
    expect(loadConfig({ ...base, ENVIRONMENT_MAX_IN_FLIGHT_SHARE: '1' }).worker.environmentShare).toBe(1);
    expect(() => loadConfig({ ...base, ENVIRONMENT_MAX_IN_FLIGHT_SHARE: '0' })).toThrow(/ENVIRONMENT_MAX_IN_FLIGHT_SHARE: must be more than 0/);
    expect(() => loadConfig({ ...base, ENVIRONMENT_MAX_IN_FLIGHT_SHARE: '1.5' })).toThrow(/ENVIRONMENT_MAX_IN_FLIGHT_SHARE: must be at most 1/);
    expect(() => loadConfig({ ...base, ENVIRONMENT_MAX_IN_FLIGHT_SHARE: 'half' })).toThrow(/ENVIRONMENT_MAX_IN_FLIGHT_SHARE: must be a fraction/);
  });
});

const policy = { initialIntervalMs: 5_000, maximumIntervalMs: 3_600_000, backoffCoefficient: 2, attemptTimeoutMs: 10_000 };

/** Activities whose sender answers only when told to, for environments by notification ID (`<env>:<n>`). */
function setup(caps = { attempts: 2, firstAttempts: 1 }) {
  const loads: string[] = [];
  const gated: string[] = [];
  const store = {
    loadDelivery: async (notificationId: string): Promise<DeliveryContext> => {
      loads.push(notificationId);
      return {
        notificationId,
        status: 'pending',
        attemptCount: 0,
        url: 'https://receiver.example/hooks',
        allowPrivateTargets: false,
        subscriptionId: 'sub_1',
        subscriptionStatus: 'active',
        subscriptionDeleted: false,
        secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
        gate: OPEN_GATE,
        event: { id: 'evt_1', type: 'order.paid', environmentId: notificationId.split(':')[0], createdAt: new Date(), dataJson: '{}' },
      };
    },
    startAttempt: async () => true,
    endAttempt: async () => undefined,
    recordAttempt: async (record: { succeeded: boolean }) => ({ number: 1, status: record.succeeded ? 'succeeded' : 'pending' }),
    noteFailure: async () => null,
  } as unknown as DeliveryStore;
  /** Each POST waits for its answer: answers[i]() answers 200, answers[i](false) fails it (a network error). */
  const answers: ((ok?: boolean) => void)[] = [];
  const sender = {
    send: () =>
      new Promise<{ statusCode: number; body: string; retryAfter: null }>((resolve, reject) =>
        answers.push((ok = true) => (ok ? resolve({ statusCode: 200, body: '', retryAfter: null }) : reject(new Error('connection reset')))),
      ),
  };
  const metrics = { attempt: () => undefined, delivered: () => undefined, gated: (reason: string) => gated.push(reason), breakerChanged: () => undefined };
  let local = false;
  const activities = createActivities({ store, sender, metrics, autoDisableAfterMs: 0, fairShare: caps, isLocal: () => local, random: () => 0 });
  /** `withEnvironment`: the request names the environment, as the input of a run started since it could does. */
  const attempt = (notificationId: string, asLocal = false, withEnvironment = false) => {
    local = asLocal;
    const environment = withEnvironment ? { environmentId: notificationId.split(':')[0] } : {};
    return activities.deliverAttempt({ notificationId, expiresAt: new Date(Date.now() + 3_600_000).toISOString(), policy, ...environment });
  };
  return { attempt, loads, gated, answers };
}

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ApplicationFailure)) throw new Error(`expected an ApplicationFailure, got ${String(err)}`);
  return err;
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('fair share between environments: the delivery activity', () => {
  it('an environment at its cap waits at the gate (Gated, reason environment, a short wait), without an attempt; another environment goes', async () => {
    const t = setup();
    const inFlight = [t.attempt('a:1'), t.attempt('a:2')];
    await tick();
    expect(t.answers).toHaveLength(2);
    const failure = await failureOf(t.attempt('a:3'));
    expect(failure).toMatchObject({ type: 'Gated', nonRetryable: false, nextRetryDelay: FAIR_SHARE_POLL_MS });
    expect(failure.details?.[0]).toEqual({ reason: 'environment', waitMs: FAIR_SHARE_POLL_MS });
    expect(t.gated).toEqual(['environment']);
    const other = t.attempt('b:1');
    await tick();
    expect(t.answers).toHaveLength(3); // b's POST is out while a is at its cap
    for (const answer of t.answers) answer();
    await expect(Promise.all([...inFlight, other])).resolves.toHaveLength(3);
  });

  it('a waiting notification looks again without a query while its environment is still at its cap, and goes once it is not', async () => {
    const t = setup();
    const inFlight = [t.attempt('a:1'), t.attempt('a:2')];
    await tick();
    await failureOf(t.attempt('a:3'));
    expect(t.loads).toEqual(['a:1', 'a:2', 'a:3']);
    await failureOf(t.attempt('a:3'));
    expect(t.loads).toEqual(['a:1', 'a:2', 'a:3']); // no query for the second look
    t.answers.shift()!();
    await inFlight[0];
    const third = t.attempt('a:3');
    await tick();
    expect(t.loads).toEqual(['a:1', 'a:2', 'a:3', 'a:3']);
    for (const answer of t.answers) answer();
    await expect(Promise.all([inFlight[1], third])).resolves.toHaveLength(2);
  });

  it('a new notification whose request names its environment, at its cap, is refused without a query; below the cap it is loaded', async () => {
    const t = setup({ attempts: 2, firstAttempts: 1 });
    const inFlight = [t.attempt('a:1', true, true), t.attempt('a:2', false, true)];
    await tick();
    expect(t.loads).toEqual(['a:1', 'a:2']);
    // A fan-out to an environment at its cap: each new notification is refused with no load at all.
    expect(await failureOf(t.attempt('a:3', true, true))).toMatchObject({ type: 'Gated' });
    expect(await failureOf(t.attempt('a:4', false, true))).toMatchObject({ type: 'Gated' });
    expect(t.loads).toEqual(['a:1', 'a:2']);
    // The environment the request names only ever refuses: another environment's notification is loaded and goes.
    const other = t.attempt('b:1', true, true);
    await tick();
    expect(t.loads).toEqual(['a:1', 'a:2', 'b:1']);
    for (const answer of t.answers) answer();
    await expect(Promise.all([...inFlight, other])).resolves.toHaveLength(3);
  });

  it('a local first attempt meets the cap of first attempts; a retry of the same environment still goes', async () => {
    const t = setup({ attempts: 3, firstAttempts: 1 });
    const first = t.attempt('a:1', true);
    await tick();
    expect(await failureOf(t.attempt('a:2', true))).toMatchObject({ type: 'Gated' });
    const retry = t.attempt('a:3', false);
    await tick();
    expect(t.answers).toHaveLength(2);
    for (const answer of t.answers) answer();
    await Promise.all([first, retry]);
  });

  it('a place is freed when the attempt fails too', async () => {
    const t = setup({ attempts: 1, firstAttempts: 1 });
    const failing = t.attempt('a:1');
    await tick();
    expect(await failureOf(t.attempt('a:2'))).toMatchObject({ type: 'Gated' });
    t.answers.shift()!(false);
    expect(await failureOf(failing)).toMatchObject({ type: 'AttemptFailed' });
    const next = t.attempt('a:2');
    await tick();
    expect(t.answers).toHaveLength(1);
    t.answers.shift()!();
    await expect(next).resolves.toMatchObject({ status: 'succeeded' });
  });
});
