import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { loadConfig } from '../../src/config/config';
import type { NotificationDispatch, NotificationRepository } from '../../src/persistence/repositories/notification.repository';
import { NotificationDispatcher } from '../../src/temporal/notification-dispatcher';

const config = loadConfig({});
const dispatch = (id: string): NotificationDispatch => ({
  notificationId: id,
  subscriptionId: 'sub_1',
  environmentId: 'sandbox',
  eventId: 'evt_1',
  eventType: 'invoice.paid',
  eventCreatedAt: new Date('2026-01-02T03:04:05.678Z'),
  expiresAt: new Date('2026-01-03T03:04:05.678Z'),
  policy: { initialIntervalMs: 2_000, maximumIntervalMs: 1_800_000, backoffCoefficient: 2, attemptTimeoutMs: 3_000 },
});

function setup(start: (options: { workflowId: string }) => Promise<unknown>) {
  const marked: string[][] = [];
  const warnings: string[] = [];
  const client = { workflow: { start: jest.fn((_type: string, options: { workflowId: string }) => start(options)) } };
  const notifications = { markDispatched: jest.fn(async (ids: string[]) => void marked.push(ids)) };
  const dispatcher = new NotificationDispatcher({
    client: client as unknown as Client,
    notifications: notifications as unknown as NotificationRepository,
    temporal: config.temporal,
    firstAttempt: 'local',
    eager: true,
    searchAttributes: false,
    warn: (message) => warnings.push(message),
    startWaitMs: 50,
  });
  return { dispatcher, client, marked, warnings };
}

describe('NotificationDispatcher', () => {
  it('starts one workflow per notification, ID = notification ID, duplicates rejected, IDs, times and the stored policy only', async () => {
    const { dispatcher, client } = setup(async () => undefined);
    await dispatcher.dispatch([dispatch('ntf_a')]);
    expect(client.workflow.start).toHaveBeenCalledWith('deliverNotification', {
      workflowId: 'ntf_a',
      taskQueue: 'plude-webhooks',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      requestEagerStart: true,
      typedSearchAttributes: undefined,
      args: [
        {
          notificationId: 'ntf_a',
          eventCreatedAt: '2026-01-02T03:04:05.678Z',
          expiresAt: '2026-01-03T03:04:05.678Z',
          policy: { initialIntervalMs: 2_000, maximumIntervalMs: 1_800_000, backoffCoefficient: 2, attemptTimeoutMs: 3_000 },
          firstAttempt: 'local',
        },
      ],
    });
  });

  it('counts an already started workflow as started, and leaves failed starts to recovery', async () => {
    const { dispatcher, marked, warnings } = setup(async ({ workflowId }) => {
      if (workflowId === 'ntf_dup') throw new WorkflowExecutionAlreadyStartedError('exists', workflowId, 'deliverNotification');
      if (workflowId === 'ntf_down') throw new Error('14 UNAVAILABLE: connection refused');
    });
    await dispatcher.dispatchAndRecord([dispatch('ntf_new'), dispatch('ntf_dup'), dispatch('ntf_down')]);
    await dispatcher.flush();
    expect(marked).toEqual([['ntf_new', 'ntf_dup']]);
    expect(warnings).toEqual([expect.stringContaining('ntf_down failed, recovery will retry: Error: 14 UNAVAILABLE')]);
  });

  it('answers after startWaitMs when Temporal does not answer, and records nothing it did not see started', async () => {
    const { dispatcher, marked } = setup(() => new Promise(() => undefined));
    await dispatcher.dispatchAndRecord([dispatch('ntf_stuck')]);
    await dispatcher.flush();
    expect(marked).toEqual([]);
  });
});
