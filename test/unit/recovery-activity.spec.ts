import { createRecoveryActivities } from '../../activities/recovery';
import type { RecoveryStore } from '../../activities/ports';
import type { NotificationDispatch } from '../../src/domain/delivery';

const dispatch = (id: string) => ({ notificationId: id }) as NotificationDispatch;

describe('the recovery activity (stubbed store and starter)', () => {
  it('starts a page’s redeliveries, records those it saw started, and leaves the rest to the outbox', async () => {
    const marked: string[][] = [];
    const store: RecoveryStore = {
      redeliverPage: async (_id, after, limit, graceMs) => {
        expect([after, limit, graceMs]).toEqual([{ at: 't0', id: 'ntf_0' }, 3, 10_000]);
        return { dispatches: ['ntf_1', 'ntf_2', 'ntf_3'].map(dispatch), next: { at: 't3', id: 'ntf_3' } };
      },
      complete: async () => undefined,
    };
    const starter = {
      dispatch: async (d: NotificationDispatch[]) => d.map((x) => x.notificationId).filter((id) => id !== 'ntf_2'),
      markDispatched: async (ids: string[]) => void marked.push(ids),
    };
    const { redeliverPage } = createRecoveryActivities({ store, starter, graceMs: 10_000 });
    expect(await redeliverPage('rcv_1', { at: 't0', id: 'ntf_0' }, 3)).toEqual({ next: { at: 't3', id: 'ntf_3' }, redelivered: 3, started: 2 });
    expect(marked).toEqual([['ntf_1', 'ntf_3']]);
  });

  it('a page with nothing to redeliver starts nothing', async () => {
    const starter = { dispatch: jest.fn(), markDispatched: jest.fn(async () => undefined) };
    const store: RecoveryStore = { redeliverPage: async () => ({ dispatches: [], next: null }), complete: async () => undefined };
    const { redeliverPage } = createRecoveryActivities({ store, starter, graceMs: 0 });
    expect(await redeliverPage('rcv_1', null, 100)).toEqual({ next: null, redelivered: 0, started: 0 });
    expect(starter.dispatch).not.toHaveBeenCalled();
  });
});
