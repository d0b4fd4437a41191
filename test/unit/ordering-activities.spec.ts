import { ApplicationFailure } from '@temporalio/common';
import { createActivities } from '../../activities';
import { createOrderingActivities } from '../../activities/ordering';
import type { DeliveryContext, DeliveryStore } from '../../activities/ports';
import { OPEN_GATE } from '../../src/domain/gate';
import { WAITING_FOR_TURN } from '../../workflows/definitions';

const policy = { initialIntervalMs: 5_000, maximumIntervalMs: 3_600_000, backoffCoefficient: 2, attemptTimeoutMs: 10_000 };

/** A store whose every write fails the test: a notification waiting for its turn must not touch the gate nor record anything. */
function storeWith(delivery: Partial<DeliveryContext>): { store: DeliveryStore; touched: string[] } {
  const touched: string[] = [];
  const touch = (what: string) => async () => {
    touched.push(what);
    throw new Error(`${what} must not be called`);
  };
  const store: DeliveryStore = {
    loadDelivery: async (notificationId) => ({
      notificationId,
      status: 'pending',
      attemptCount: 0,
      url: 'https://receiver.example/hooks',
      allowPrivateTargets: false,
      subscriptionId: 'sub_1',
      subscriptionStatus: 'active',
      subscriptionDeleted: false,
      secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
      gate: { ...OPEN_GATE, rateLimit: 5 },
      event: { id: 'evt_1', type: 'ledger.entry', environmentId: 'sandbox', createdAt: new Date(), dataJson: '{}' },
      ...delivery,
    }),
    recordAttempt: touch('recordAttempt'),
    markExpired: touch('markExpired'),
    markCancelled: touch('markCancelled'),
    startAttempt: touch('startAttempt'),
    endAttempt: touch('endAttempt'),
    noteFailure: touch('noteFailure'),
    claimProbe: touch('claimProbe'),
    reserveSlot: touch('reserveSlot'),
    acquireLease: touch('acquireLease'),
    releaseLease: touch('releaseLease'),
    updateBreaker: touch('updateBreaker'),
  };
  return { store, touched };
}

describe('ordered delivery activities (issue 22)', () => {
  const request = { notificationId: 'ntf_2', expiresAt: new Date(Date.now() + 60_000).toISOString(), policy };

  it('an ordered notification behind a pending head: no POST, no gate, a non-retryable WaitingForTurn naming the head', async () => {
    const { store, touched } = storeWith({ waitsFor: { headId: 'ntf_1' } });
    const sent: string[] = [];
    const waits: string[] = [];
    const metrics = {
      attempt: () => undefined,
      delivered: () => undefined,
      gated: () => undefined,
      breakerChanged: () => undefined,
      waitedForTurn: () => waits.push('wait'),
    };
    const activities = createActivities({
      store,
      sender: { send: async (r) => (sent.push(r.url), { statusCode: 200, body: '', retryAfter: null }) },
      metrics,
      autoDisableAfterMs: 0,
    });
    const failure = await activities.deliverAttempt(request).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: WAITING_FOR_TURN, nonRetryable: true, details: [{ headId: 'ntf_1' }] });
    expect((failure as Error).message).toContain('ntf_1');
    expect(sent).toEqual([]);
    expect(touched).toEqual([]);
    expect(waits).toEqual(['wait']);
  });

  it('a notification that ended while it waited (skipped) ends its workflow with that status, without a POST', async () => {
    const { store } = storeWith({ status: 'skipped', waitsFor: { headId: 'ntf_1' } });
    const activities = createActivities({ store, sender: { send: async () => Promise.reject(new Error('no POST')) }, autoDisableAfterMs: 0 });
    await expect(activities.deliverAttempt(request)).resolves.toEqual({ status: 'skipped', attempt: null });
  });

  it('passTurn signals the key’s head now, and nothing when none is pending', async () => {
    const signalled: string[] = [];
    const heads: Record<string, string | null> = { ntf_1: 'ntf_2', ntf_9: null };
    const ordering = createOrderingActivities({
      store: { headOfKeyOf: async (id) => heads[id] ?? null },
      turns: { signalTurn: async (id) => void signalled.push(id) },
    });
    await expect(ordering.passTurn('ntf_1')).resolves.toBe('ntf_2');
    await expect(ordering.passTurn('ntf_9')).resolves.toBeNull();
    expect(signalled).toEqual(['ntf_2']);
  });
});
