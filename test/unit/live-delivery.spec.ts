import { liveDeliveryOf, type WorkflowView } from '../../src/domain/delivery';

const running: WorkflowView = { workflowStatus: 'RUNNING', activityAttempt: null, lastFailure: null, nextRetryAt: null };

describe('liveDeliveryOf: whether the workflow holds a notification, from describe and the database', () => {
  it('holds when it runs with no activity scheduled and its subscription is paused or disabled', () => {
    expect(liveDeliveryOf(running, 'paused').held).toBe(true);
    expect(liveDeliveryOf(running, 'disabled').held).toBe(true);
  });

  it('does not hold while its subscription is active, or while the retrying activity is scheduled', () => {
    expect(liveDeliveryOf(running, 'active').held).toBe(false);
    const retrying = { ...running, activityAttempt: 3, lastFailure: 'attempt 3 → HTTP 500', nextRetryAt: '2026-01-01T00:00:00.000Z' };
    expect(liveDeliveryOf(retrying, 'paused')).toEqual({ ...retrying, held: false });
  });

  it('says nothing of a hold when the subscription is gone', () => {
    expect(liveDeliveryOf(running, null).held).toBeNull();
  });
});
