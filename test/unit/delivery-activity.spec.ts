import { ApplicationFailure } from '@temporalio/common';
import { createActivities } from '../../activities';
import type { AttemptRecord, DeliveryContext, DeliveryStore, DisabledReason } from '../../activities/ports';
import { HttpSendError, type SendRequest, type SendResult } from '../../activities/http/sender';
import { attemptOutcome } from '../../src/domain/delivery';
import { gateIsFree, gateStep, type GateState, OPEN_GATE } from '../../src/domain/gate';

const policy = { initialIntervalMs: 5_000, maximumIntervalMs: 3_600_000, backoffCoefficient: 2, attemptTimeoutMs: 10_000 };

interface SetupOptions {
  subscriptionStatus?: DeliveryContext['subscriptionStatus'];
  disables?: DisabledReason | null;
  allowPrivateTargets?: boolean;
  throws?: Error;
  subscriptionDeleted?: boolean;
  /** The notification stopped being pending between the load and the attempt's start (its subscription deleted). */
  cancelledBeforeStart?: boolean;
  /** A test event's notification (POST /webhooks/subscriptions/:id/test). */
  test?: boolean;
  /** The request names the notification's environment (a run started since it could): the load may start the attempt. */
  environmentId?: string;
  gate?: GateState;
  /** The load says it started the attempt whatever the gate (as if the SQL and gateStep disagreed). */
  startedByLoad?: boolean;
  /** The load returns only once the window has closed. */
  loadPastWindow?: boolean;
  expiresInMs?: number;
}

function setup(answer: SendResult, options: SetupOptions = {}) {
  const counted: string[] = [];
  const recorded: AttemptRecord[] = [];
  const warnings: { message: string; fields: Record<string, unknown> }[] = [];
  const failures: { gone: boolean; autoDisableAfterMs: number }[] = [];
  const sent: string[] = [];
  const requests: SendRequest[] = [];
  const cancelled: string[] = [];
  const started: { notificationId: string; forMs: number }[] = [];
  /** The store's calls in order: the load (with what it was asked to start), the gate's, the start, the end, the record. */
  const calls: string[] = [];
  const expiresAt = new Date(Date.now() + (options.expiresInMs ?? 3_600_000));
  const subscriptionStatus = options.subscriptionStatus ?? 'active';
  const gate = options.gate ?? OPEN_GATE;
  const store: DeliveryStore = {
    loadDelivery: async (notificationId, start) => {
      calls.push(start ? `load and start for ${start.forMs}` : 'load');
      if (options.loadPastWindow) await waitUntil(() => Date.now() > expiresAt.getTime());
      // What LOAD_AND_START decides, in memory: pending and its turn, the subscription active, the gate free.
      const free =
        start !== undefined &&
        subscriptionStatus === 'active' &&
        !options.subscriptionDeleted &&
        gateIsFree(gateStep(gate, { ...start.gate, failureThreshold: 0, openForMs: 0, maxOpenMs: 0 }));
      return { ...loaded(notificationId), started: options.startedByLoad ?? free };
    },
    endAttempt: async () => {
      calls.push('end');
    },
    recordAttempt: async (record) => {
      calls.push('record');
      recorded.push(record);
      return { number: 3, status: record.succeeded ? 'succeeded' : 'pending' };
    },
    markExpired: async () => 'expired',
    markCancelled: async (notificationId) => {
      cancelled.push(notificationId);
      return 'cancelled';
    },
    startAttempt: async (notificationId, forMs) => {
      calls.push('start');
      started.push({ notificationId, forMs });
      return !options.cancelledBeforeStart;
    },
    noteFailure: async (_id, failure) => {
      failures.push(failure);
      return options.disables ?? (failure.gone ? 'gone' : null);
    },
    claimProbe: async () => true,
    reserveSlot: async () => {
      calls.push('reserve');
      return 0;
    },
    acquireLease: async () => true,
    releaseLease: async () => undefined,
    updateBreaker: async () => null,
  };
  const loaded = (notificationId: string): DeliveryContext => ({
    notificationId,
    status: 'pending',
    attemptCount: 2,
    url: 'https://receiver.example/hooks',
    allowPrivateTargets: options.allowPrivateTargets ?? false,
    subscriptionId: 'sub_1',
    subscriptionStatus,
    subscriptionDeleted: options.subscriptionDeleted ?? false,
    secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
    gate,
    event: { id: 'evt_1', type: 'order.paid', environmentId: 'sandbox', createdAt: new Date(), dataJson: '{"a":1}', test: options.test },
  });
  const sender = {
    send: async (req: SendRequest) => {
      calls.push('POST');
      sent.push(req.url);
      requests.push(req);
      if (options.throws) throw options.throws;
      return answer;
    },
  };
  const metrics = {
    attempt: (outcome: string) => counted.push(outcome),
    delivered: (ms: number) => counted.push(`delivered after ${ms >= 0 ? 'some' : 'negative'} ms`),
    gated: (reason: string) => counted.push(`gated: ${reason}`),
    breakerChanged: (to: string) => counted.push(`breaker: ${to}`),
  };
  const activities = createActivities({ store, sender, metrics, autoDisableAfterMs: 60_000, warn: (message, fields) => warnings.push({ message, fields }) });
  const named = options.environmentId === undefined ? {} : { environmentId: options.environmentId };
  const request = { notificationId: 'ntf_1', expiresAt: expiresAt.toISOString(), policy, ...named };
  return { run: () => activities.deliverAttempt(request), recorded, warnings, failures, sent, counted, requests, cancelled, started, calls };
}

/** Until `done` holds, looking again on each turn of the event loop. */
async function waitUntil(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setImmediate(resolve));
}

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ApplicationFailure)) throw new Error(`expected an ApplicationFailure, got ${String(err)}`);
  return err;
}

describe('the delivery activity (stubbed store and sender)', () => {
  it.each([[true], [false]])('a test event’s POST says webhook-test: true, and only a test event’s (test: %s)', async (test) => {
    const t = setup({ statusCode: 200, body: 'ok', retryAfter: null }, { test });
    await t.run();
    const [request] = t.requests;
    expect(request.headers['webhook-test']).toBe(test ? 'true' : undefined);
    expect(request.headers['webhook-signature']).toMatch(/^v1,/);
  });

  it('records the very headers object it sent (signed headers, user-agent, webhook-test), on a 2xx and on a network error', async () => {
    const ok = setup({ statusCode: 200, body: 'ok', retryAfter: null }, { test: true });
    await ok.run();
    const refused = setup({ statusCode: 0, body: '', retryAfter: null }, { throws: new HttpSendError('connect ECONNREFUSED', 'ECONNREFUSED') });
    await failureOf(refused.run());
    for (const t of [ok, refused]) {
      const [request] = t.requests;
      expect(t.recorded[0].requestHeaders).toBe(request.headers);
      expect(Object.keys(request.headers).sort()).toEqual(
        ['content-type', 'user-agent', 'webhook-id', 'webhook-signature', 'webhook-timestamp', ...(t === ok ? ['webhook-test'] : [])].sort(),
      );
      expect(request.headers).toMatchObject({ 'user-agent': 'plude-webhooks', 'webhook-id': 'ntf_1', 'webhook-signature': expect.stringMatching(/^v1,/) });
    }
  });

  it('a 410 disables the subscription, says so at warn level, and holds instead of scheduling a retry', async () => {
    const t = setup({ statusCode: 410, body: 'gone', retryAfter: null });
    const failure = await failureOf(t.run());
    expect(failure).toMatchObject({ type: 'SubscriptionHeld', nonRetryable: true });
    expect(t.failures).toEqual([{ at: expect.any(Date), gone: true, autoDisableAfterMs: 60_000, notificationId: 'ntf_1' }]);
    expect(t.warnings).toEqual([
      { message: 'subscription sub_1 disabled: gone', fields: { subscriptionId: 'sub_1', reason: 'gone', notificationId: 'ntf_1' } },
    ]);
    expect(t.recorded[0]).toMatchObject({ statusCode: 410, succeeded: false, nextAttemptAt: null });
  });

  it('a failing streak that reaches AUTO_DISABLE_AFTER disables it as failing', async () => {
    const t = setup({ statusCode: 500, body: '', retryAfter: null }, { disables: 'failing' });
    expect(await failureOf(t.run())).toMatchObject({ type: 'SubscriptionHeld' });
    expect(t.warnings.map((w) => w.fields.reason)).toEqual(['failing']);
  });

  it('a paused subscription is held before anything is sent or recorded', async () => {
    const t = setup({ statusCode: 200, body: '', retryAfter: null }, { subscriptionStatus: 'paused' });
    expect(await failureOf(t.run())).toMatchObject({ type: 'SubscriptionHeld', message: 'held: subscription sub_1 is paused' });
    expect(t.sent).toEqual([]);
    expect(t.recorded).toEqual([]);
  });

  it('a deleted subscription: the notification ends cancelled, nothing is sent or recorded', async () => {
    const t = setup({ statusCode: 200, body: '', retryAfter: null }, { subscriptionDeleted: true });
    expect(await t.run()).toEqual({ status: 'cancelled', attempt: null });
    expect(t.cancelled).toEqual(['ntf_1']);
    expect([t.started, t.sent, t.recorded]).toEqual([[], [], []]);
  });

  it('a notification cancelled between the load and the start: no POST, and a retryable failure to load it again', async () => {
    const t = setup({ statusCode: 200, body: '', retryAfter: null }, { cancelledBeforeStart: true });
    const failure = await failureOf(t.run());
    expect(failure).toMatchObject({ nonRetryable: false, message: 'notification ntf_1 stopped being pending before its attempt started' });
    expect([t.sent, t.recorded]).toEqual([[], []]);
  });

  it('posts to the URL it loaded (the subscription’s current one), in flight for its timeout and a margin, and records that URL', async () => {
    const t = setup({ statusCode: 200, body: '', retryAfter: null });
    await t.run();
    expect(t.started).toEqual([{ notificationId: 'ntf_1', forMs: 15_000 }]);
    expect(t.sent).toEqual(['https://receiver.example/hooks']);
    expect(t.recorded[0].url).toBe('https://receiver.example/hooks');
  });

  it('a 503 with Retry-After sets the next retry delay from it, numbered after the attempts already made', async () => {
    const t = setup({ statusCode: 503, body: '', retryAfter: '120' });
    const failure = await failureOf(t.run());
    const [record] = t.recorded;
    expect(record.retryAfterMs).toBe(120_000);
    // Attempt 3's own backoff would be 20 s: the receiver's 120 s wins.
    expect(record.nextAttemptAt!.getTime()).toBe(record.endedAt.getTime() + 120_000);
    expect(failure).toMatchObject({ type: 'AttemptFailed', message: 'attempt 3 → HTTP 503' });
    expect(failure.details).toEqual([{ attempt: 3, nextAttemptAt: record.nextAttemptAt!.toISOString() }]);
    expect(Number(failure.nextRetryDelay)).toBeGreaterThan(119_000);
    expect(t.warnings).toEqual([]);
  });

  it('lets the sender reach private addresses only for a notification whose environment allows them', async () => {
    const strict = setup({ statusCode: 200, body: '', retryAfter: null });
    const loose = setup({ statusCode: 200, body: '', retryAfter: null }, { allowPrivateTargets: true });
    await strict.run();
    await loose.run();
    expect(strict.requests.map((r) => r.allowPrivateTargets)).toEqual([false]);
    expect(loose.requests.map((r) => r.allowPrivateTargets)).toEqual([true]);
  });
});

describe('the load that starts the attempt (a run whose input names its environment)', () => {
  const ok = { statusCode: 200, body: '', retryAfter: null };

  it('a free gate: the load starts it, for the timeout and the margin, and the POST follows with no other call', async () => {
    const t = setup(ok, { environmentId: 'sandbox' });
    await expect(t.run()).resolves.toEqual({ status: 'succeeded', attempt: 3 });
    expect(t.calls).toEqual(['load and start for 15000', 'POST', 'record']);
  });

  it('a run without its environment keeps the load, then the start', async () => {
    const t = setup(ok);
    await t.run();
    expect(t.calls).toEqual(['load', 'start', 'POST', 'record']);
  });

  it('a rate-limited subscription: the load does not start it; the slot is reserved, then the attempt started', async () => {
    const t = setup(ok, { environmentId: 'sandbox', gate: { ...OPEN_GATE, rateLimit: 5 } });
    await t.run();
    expect(t.calls).toEqual(['load and start for 15000', 'reserve', 'start', 'POST', 'record']);
  });

  it('started by the load, then the window closed: no POST, and the mark is ended', async () => {
    const t = setup(ok, { environmentId: 'sandbox', expiresInMs: 30, loadPastWindow: true });
    expect(await failureOf(t.run())).toMatchObject({ type: 'DeliveryWindowClosed', nonRetryable: true });
    expect(t.calls).toEqual([expect.stringMatching(/^load and start for 50\d\d$/), 'end']);
  });

  it('started by the load, but the gate says wait (the breaker): Gated, no POST, and the mark is ended', async () => {
    const t = setup(ok, { environmentId: 'sandbox', startedByLoad: true, gate: { ...OPEN_GATE, breakerState: 'open', breakerInMs: 5_000 } });
    expect(await failureOf(t.run())).toMatchObject({ type: 'Gated' });
    expect(t.calls).toEqual(['load and start for 15000', 'end']);
  });

  it('a paused subscription is not started by the load: held, nothing to end', async () => {
    const t = setup(ok, { environmentId: 'sandbox', subscriptionStatus: 'paused' });
    expect(await failureOf(t.run())).toMatchObject({ type: 'SubscriptionHeld' });
    expect(t.calls).toEqual(['load and start for 15000']);
  });
});

describe('the metrics of an attempt (the port createActivities gets)', () => {
  it('a 2xx counts as 2xx and as a delivery with its latency', async () => {
    const t = setup({ statusCode: 204, body: '', retryAfter: null });
    await t.run();
    expect(t.counted).toEqual(['2xx', 'delivered after some ms']);
  });

  it('a 5xx, a timeout and a network error count as such, and deliver nothing', async () => {
    const failed = setup({ statusCode: 503, body: '', retryAfter: null });
    await failureOf(failed.run());
    const timedOut = setup({ statusCode: 0, body: '', retryAfter: null }, { throws: new HttpSendError('timeout after 10000ms', 'TIMEOUT') });
    await failureOf(timedOut.run());
    const refused = setup({ statusCode: 0, body: '', retryAfter: null }, { throws: new HttpSendError('connect ECONNREFUSED', 'ECONNREFUSED') });
    await failureOf(refused.run());
    expect([...failed.counted, ...timedOut.counted, ...refused.counted]).toEqual(['5xx', 'timeout', 'network_error']);
  });
});

describe('attemptOutcome: how the metrics count an attempt', () => {
  it.each([
    [200, false, '2xx'],
    [204, false, '2xx'],
    [301, false, '3xx'],
    [404, false, '4xx'],
    [429, false, '4xx'],
    [503, false, '5xx'],
    [null, true, 'timeout'],
    [null, false, 'network_error'],
  ] as const)('status %s, timed out %s: %s', (status, timedOut, outcome) => {
    expect(attemptOutcome(status, timedOut)).toBe(outcome);
  });
});
