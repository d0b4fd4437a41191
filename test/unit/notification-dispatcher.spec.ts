import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { loadConfig } from '../../src/config/config';
import type { NotificationDispatch } from '../../src/domain/delivery';
import { NotificationDispatcher } from '../../src/outbox/notification-dispatcher';
import { deliverNotification } from '../../workflows/deliver-notification';
import { waitFor } from '../support/wait';

const config = loadConfig({});
const dispatch = (id: string, trigger: NotificationDispatch['trigger'] = 'initial'): NotificationDispatch => ({
  notificationId: id,
  subscriptionId: 'sub_1',
  environmentId: 'sandbox',
  eventId: 'evt_1',
  eventType: 'invoice.paid',
  eventCreatedAt: new Date('2026-01-02T03:04:05.678Z'),
  expiresAt: new Date('2026-01-03T03:04:05.678Z'),
  policy: { initialIntervalMs: 2_000, maximumIntervalMs: 1_800_000, backoffCoefficient: 2, attemptTimeoutMs: 3_000 },
  url: 'https://user:pw@receiver.example:8443/hooks/secret-path?token=s3cr3t',
  trigger,
});

type Start = (options: { workflowId: string }) => Promise<unknown>;

function setup(start: Start, options: { maxConcurrentStarts?: number; maxQueuedStarts?: number; startTimeoutMs?: number } = {}) {
  const marked: string[][] = [];
  const warnings: string[] = [];
  const left: number[] = [];
  const deadlines: number[] = [];
  const client = {
    workflow: { start: jest.fn((_workflow: unknown, options: { workflowId: string }) => start(options)) },
    withDeadline: jest.fn(<R>(deadline: number, fn: () => Promise<R>) => {
      deadlines.push(deadline);
      return fn();
    }),
  };
  const notifications = { markDispatched: jest.fn(async (ids: string[]) => void marked.push(ids)) };
  const dispatcher = new NotificationDispatcher({
    client: client as unknown as Client,
    outbox: notifications,
    temporal: config.temporal,
    firstAttempt: 'local',
    eager: true,
    searchAttributes: false,
    warn: (message) => warnings.push(message),
    startTimeoutMs: 1_000,
    ...options,
  });
  dispatcher.onLeftToRelay((count) => left.push(count));
  return { dispatcher, client, marked, warnings, deadlines, left };
}

/** A start that answers when the test says so. */
function gate() {
  const pending = new Map<string, () => void>();
  const start: Start = ({ workflowId }) => new Promise<void>((resolve) => pending.set(workflowId, resolve));
  const open = (id: string) => {
    pending.get(id)?.();
    pending.delete(id);
  };
  return { start, pending, open, openAll: () => [...pending.keys()].forEach(open) };
}

/** Starts that answer on the next turn of the event loop, counting how many are in flight at once. */
function counted() {
  const state = { inFlight: 0, maxInFlight: 0 };
  const start: Start = async () => {
    state.maxInFlight = Math.max(state.maxInFlight, ++state.inFlight);
    await new Promise((resolve) => setImmediate(resolve));
    state.inFlight--;
  };
  return { start, state };
}

const ids = (n: number, prefix = 'ntf_') => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);

describe('NotificationDispatcher', () => {
  it('starts one workflow per notification, ID = notification ID, duplicates rejected, IDs, times and the stored policy only', async () => {
    const { dispatcher, client } = setup(async () => undefined);
    await dispatcher.dispatch([dispatch('ntf_a')]);
    expect(client.workflow.start).toHaveBeenCalledWith(deliverNotification, {
      workflowId: 'ntf_a',
      taskQueue: 'plude-webhooks',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      requestEagerStart: true,
      priority: { fairnessKey: 'sandbox' },
      typedSearchAttributes: undefined,
      staticSummary: 'invoice.paid → receiver.example:8443',
      staticDetails: '- subscription: `sub_1`\n- event: `evt_1`\n- environment: `sandbox`\n- trigger: initial',
      args: [
        {
          notificationId: 'ntf_a',
          eventCreatedAt: '2026-01-02T03:04:05.678Z',
          expiresAt: '2026-01-03T03:04:05.678Z',
          policy: { initialIntervalMs: 2_000, maximumIntervalMs: 1_800_000, backoffCoefficient: 2, attemptTimeoutMs: 3_000 },
          firstAttempt: 'local',
          trigger: 'initial',
          environmentId: 'sandbox',
        },
      ],
    });
  });

  it('starts a redelivery as a new run of the same workflow ID, allowed only once the earlier run has closed', async () => {
    const { dispatcher, client } = setup(async () => undefined);
    await dispatcher.dispatch([dispatch('ntf_a', 'redeliver')]);
    const [[, options]] = client.workflow.start.mock.calls as unknown as [
      string,
      { workflowId: string; workflowIdReusePolicy: string; args: { trigger: string }[] },
    ][];
    expect(options).toMatchObject({ workflowId: 'ntf_a', workflowIdReusePolicy: 'ALLOW_DUPLICATE', args: [{ trigger: 'redeliver' }] });
  });

  it('leaves a redelivery that finds a running workflow in the outbox: the run found may be the earlier one', async () => {
    const { dispatcher, marked, warnings } = setup(async ({ workflowId }) => {
      throw new WorkflowExecutionAlreadyStartedError('exists', workflowId, 'deliverNotification');
    });
    dispatcher.startInBackground([dispatch('ntf_first'), dispatch('ntf_again', 'redeliver')]);
    await waitFor(
      async () => marked,
      (m) => m.length === 1,
    );
    expect(marked).toEqual([['ntf_first']]);
    expect(warnings).toEqual([expect.stringContaining('ntf_again failed, the outbox relay will retry')]);
  });

  it('counts an already started workflow as started, and leaves failed starts to recovery', async () => {
    const { dispatcher, marked, warnings } = setup(async ({ workflowId }) => {
      if (workflowId === 'ntf_dup') throw new WorkflowExecutionAlreadyStartedError('exists', workflowId, 'deliverNotification');
      if (workflowId === 'ntf_down') throw new Error('14 UNAVAILABLE: connection refused');
    });
    dispatcher.startInBackground([dispatch('ntf_new'), dispatch('ntf_dup'), dispatch('ntf_down')]);
    await waitFor(
      async () => marked,
      (m) => m.length === 1,
    );
    expect(marked).toEqual([['ntf_new', 'ntf_dup']]);
    expect(warnings).toEqual([expect.stringContaining('ntf_down failed, the outbox relay will retry: Error: 14 UNAVAILABLE')]);
  });

  it('returns before any start answers, the start already begun; records nothing it did not see started', async () => {
    // Fake timers: only the start's own deadline can end it.
    jest.useFakeTimers();
    try {
      const { dispatcher, client, marked, warnings } = setup(() => new Promise(() => undefined), { startTimeoutMs: 10_000 });
      dispatcher.startInBackground([dispatch('ntf_stuck')]); // returns at once: the publish is answered now
      expect(client.workflow.start).toHaveBeenCalledTimes(1); // and its start did not wait for anything
      expect(marked).toEqual([]);

      const closed = dispatcher.close(); // waits for the start in flight, which its deadline ends
      await jest.advanceTimersByTimeAsync(10_000);
      await closed;
      expect(marked).toEqual([]);
      expect(warnings).toEqual([expect.stringMatching(/ntf_stuck failed, the outbox relay will retry: StartDeadlineError: .*deadline of 10000ms/)]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('keeps at most 32 starts in flight: a fan-out to 1,000 subscriptions does not fire 1,000 starts', async () => {
    const { start, state } = counted();
    const { dispatcher, client } = setup(start);
    const started = await dispatcher.dispatch(ids(1_000).map((id) => dispatch(id)));
    expect(started).toEqual(ids(1_000));
    expect(client.workflow.start).toHaveBeenCalledTimes(1_000);
    expect(state.maxInFlight).toBe(32);
  });

  it('starts the next queued notification only when a start in flight settles', async () => {
    const { start, pending, open, openAll } = gate();
    const { dispatcher, client } = setup(start, { maxConcurrentStarts: 3 });
    const dispatched = dispatcher.dispatch(ids(5).map((id) => dispatch(id)));
    await waitFor(
      async () => pending.size,
      (n) => n === 3,
    );
    expect(client.workflow.start).toHaveBeenCalledTimes(3);
    open('ntf_0001');
    await waitFor(
      async () => client.workflow.start.mock.calls.length,
      (n) => n === 4,
    );
    expect([...pending.keys()]).toEqual(['ntf_0000', 'ntf_0002', 'ntf_0003']);
    openAll();
    await waitFor(
      async () => pending.size,
      (n) => n === 1,
    );
    openAll();
    await expect(dispatched).resolves.toEqual(ids(5));
  });

  it('gives every start a deadline, and counts a start that outlives it as failed', async () => {
    const { dispatcher, warnings, deadlines } = setup(() => new Promise(() => undefined), { startTimeoutMs: 100 });
    const before = Date.now();
    await expect(dispatcher.dispatch([dispatch('ntf_hung')])).resolves.toEqual([]);
    expect(deadlines).toHaveLength(1);
    expect(deadlines[0]).toBeGreaterThanOrEqual(before + 100);
    expect(deadlines[0]).toBeLessThanOrEqual(Date.now());
    expect(warnings).toEqual([expect.stringMatching(/ntf_hung failed, the outbox relay will retry: StartDeadlineError: .*deadline of 100ms/)]);
  });

  it('runs the start call inside the deadline, not before it', async () => {
    let insideDeadline = false;
    const { dispatcher, client } = setup(async () => expect(insideDeadline).toBe(true));
    client.withDeadline.mockImplementation(async (_deadline, fn) => {
      insideDeadline = true;
      try {
        return await fn();
      } finally {
        insideDeadline = false;
      }
    });
    await expect(dispatcher.dispatch([dispatch('ntf_a')])).resolves.toEqual(['ntf_a']);
  });

  it('starts in the background in order of arrival, and records each start once confirmed', async () => {
    const { start, pending, open, openAll } = gate();
    const { dispatcher, marked } = setup(start, { maxConcurrentStarts: 2 });
    dispatcher.startInBackground(ids(4).map((id) => dispatch(id)));
    expect([...pending.keys()]).toEqual(['ntf_0000', 'ntf_0001']); // as many as there are slots begin at the call
    expect(dispatcher.queuedStarts).toBe(2);
    open('ntf_0000');
    await waitFor(
      async () => marked.flat(),
      (m) => m.includes('ntf_0000'),
    ); // the batched mark, no relay involved
    await waitFor(
      async () => [...pending.keys()],
      (p) => p.join() === 'ntf_0001,ntf_0002',
    ); // the queue moved on
    expect(dispatcher.queuedStarts).toBe(1);
    openAll();
    await waitFor(
      async () => pending.size,
      (n) => n === 1,
    );
    openAll();
    await waitFor(
      async () => marked.flat().sort(),
      (m) => m.length === 4,
    );
    expect(dispatcher.queuedStarts).toBe(0);
  });

  it('queues at most maxQueuedStarts: the rest stay in the outbox for the relay, never started here, and the relay is told', async () => {
    const { start, pending, openAll } = gate();
    const { dispatcher, client, marked, warnings, left } = setup(start, { maxConcurrentStarts: 2, maxQueuedStarts: 3 });
    dispatcher.startInBackground(ids(4, 'ntf_a').map((id) => dispatch(id))); // 2 in flight, 2 waiting
    dispatcher.startInBackground(ids(6, 'ntf_b').map((id) => dispatch(id))); // 1 more waits, 5 are left
    expect(client.workflow.start).toHaveBeenCalledTimes(2);
    expect(dispatcher.queuedStarts).toBe(3);
    expect(left).toEqual([5]);
    expect(warnings).toEqual(['3 workflow starts are waiting: new notifications are left in the outbox for the outbox relay to start']);
    dispatcher.startInBackground([dispatch('ntf_c')]); // still full: told again, not warned again
    expect(left).toEqual([5, 1]);
    expect(warnings).toHaveLength(1);

    // Every start opened as it comes, until none is in flight or waiting.
    while (dispatcher.queuedStarts + pending.size > 0) {
      openAll();
      await waitFor(async () => pending.size > 0 || dispatcher.queuedStarts === 0, Boolean);
    }
    await waitFor(
      async () => marked.flat().sort(),
      (m) => m.length === 5,
    );
    expect(marked.flat().sort()).toEqual([...ids(4, 'ntf_a'), 'ntf_b0000']);
    const startedIds = client.workflow.start.mock.calls.map(([, options]) => options.workflowId);
    expect(startedIds).toEqual([...ids(4, 'ntf_a'), 'ntf_b0000']);

    // Room again: the next notification is queued, and the log says how many were left meanwhile.
    dispatcher.startInBackground([dispatch('ntf_d')]);
    expect(client.workflow.start).toHaveBeenCalledTimes(6);
    expect(warnings[1]).toBe('the workflow start queue has room again: 6 notifications were left to the outbox relay meanwhile');
    openAll();
  });

  it('with maxQueuedStarts 0, starts only while a slot is free', async () => {
    const { start, openAll } = gate();
    const { dispatcher, client, left } = setup(start, { maxConcurrentStarts: 2, maxQueuedStarts: 0 });
    dispatcher.startInBackground(ids(3).map((id) => dispatch(id)));
    expect(client.workflow.start).toHaveBeenCalledTimes(2);
    expect(dispatcher.queuedStarts).toBe(0);
    expect(left).toEqual([1]);
    openAll();
  });

  it('starts a notification once while this process holds its start: a relay pass leaves a queued publish start alone', async () => {
    const { start, pending, open } = gate();
    const { dispatcher, client, marked } = setup(start, { maxConcurrentStarts: 1 });
    dispatcher.startInBackground([dispatch('ntf_published'), dispatch('ntf_queued')]); // one in flight, one waiting
    const relayed = dispatcher.dispatch([dispatch('ntf_queued'), dispatch('ntf_stored')]); // the relay claimed both rows
    dispatcher.startInBackground([dispatch('ntf_published')]); // and one already in flight is not queued again
    expect(dispatcher.queuedStarts).toBe(2);
    for (const id of ['ntf_published', 'ntf_queued', 'ntf_stored']) {
      await waitFor(async () => pending.has(id), Boolean);
      open(id);
    }
    await expect(relayed).resolves.toEqual(['ntf_stored']); // the relay marks what it started
    await dispatcher.flush();
    expect(marked.flat().sort()).toEqual(['ntf_published', 'ntf_queued']); // the queued start marked its own
    expect(client.workflow.start.mock.calls.map(([, options]) => options.workflowId)).toEqual(['ntf_published', 'ntf_queued', 'ntf_stored']);
  });

  it('on close, leaves queued starts to the relay (and says how many), waits for those in flight and records them', async () => {
    const { start, pending, open } = gate();
    const { dispatcher, client, marked, warnings, left } = setup(start, { maxConcurrentStarts: 2 });
    dispatcher.startInBackground(ids(5).map((id) => dispatch(id)));
    const closed = dispatcher.close();
    open('ntf_0000');
    open('ntf_0001');
    await closed;
    expect(client.workflow.start).toHaveBeenCalledTimes(2);
    expect(marked.flat()).toEqual(['ntf_0000', 'ntf_0001']);
    expect(warnings).toEqual(['shutting down: 3 workflow starts not begun, the outbox relay will start them']);
    expect(left).toEqual([3]);
    await expect(dispatcher.dispatch([dispatch('ntf_late')])).resolves.toEqual([]);
    dispatcher.startInBackground([dispatch('ntf_later')]);
    expect(left).toEqual([3, 1]);
    expect(pending.size).toBe(0);
    expect(warnings).toHaveLength(1);
  });
});
