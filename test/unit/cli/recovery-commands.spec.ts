import { parseTime } from '../../../src/cli/commands/recover';
import { progressBar } from '../../../src/cli/progress';
import {
  eventTypeList,
  eventTypeView,
  NOTIFICATION_ID,
  RECOVERY_ID,
  recoveryStarted,
  recoveryView,
  redeliveryAccepted,
  SUBSCRIPTION_ID as SUB,
} from '../../support/api-answers';
import { runCli, startCli } from '../../support/cli-harness';
import { StubApi } from '../../support/stub-api';

const RCV = RECOVERY_ID;

/**
 * What plude prints for redeliver, recover and the event-type catalog, and the requests it makes, against a stub
 * answering as the real routes do (test/support/api-answers.ts, which the OpenAPI e2e test checks against the
 * app's document). The commands against the real stack: test/e2e/cli/cli-recover.e2e.spec.ts.
 */
describe('plude commands for redeliver, recover and the event-type catalog (stub API, real answers)', () => {
  let api: StubApi;
  beforeAll(async () => (api = await StubApi.start()));
  afterAll(() => api.stop());
  beforeEach(() => api.reset());

  const env = () => ({ PLUDE_URL: api.url, PLUDE_TOKEN: 'pwh_stub', PLUDE_SERVICE_TOKEN: 'pwh_stub_service', PLUDE_ENVIRONMENT: 'staging' });
  const plude = (...argv: string[]) => runCli(argv, { env: env() });

  it('redelivers a notification', async () => {
    api.on('POST', `/notifications/${NOTIFICATION_ID}/redeliver`, { status: 202, body: redeliveryAccepted() });
    const { code, stdout } = await plude('notifications', 'redeliver', NOTIFICATION_ID);
    expect(code).toBe(0);
    expect(stdout).toBe(`redelivery of ${NOTIFICATION_ID} accepted\nfollow it: plude notifications get ${NOTIFICATION_ID}\n`);
    expect(api.requests[0]).toMatchObject({ body: '', headers: { authorization: 'Bearer pwh_stub', 'x-environment': 'staging' } });
  });

  /** The recovery's progress: three polls, the last one done. */
  function recoveryOf(total: number) {
    api.on('POST', `/webhooks/subscriptions/${SUB}/recover`, { status: 202, body: recoveryStarted(total) });
    const states = [
      recoveryView({ status: 'running', total, started: 2, succeeded: 0, expired: 0 }),
      recoveryView({ status: 'running', total, started: 4, succeeded: 2, expired: 1 }),
      recoveryView({ status: 'completed', total, started: 4, succeeded: 3, expired: 1 }),
    ];
    api.on('GET', `/recoveries/${RCV}`, (_, index) => ({ status: 200, body: states[Math.min(index, states.length - 1)] }));
  }

  it('recovers since a time, following the progress until the recovery ends', async () => {
    recoveryOf(4);
    const { code, stdout } = await plude('recover', SUB, '--since', '2025-12-01T09:00:00Z', '--until', '2025-12-01T10:00:00+01:00', '--poll-interval', '5');
    expect(code).toBe(0);
    expect(JSON.parse(api.made('POST', `/webhooks/subscriptions/${SUB}/recover`)[0].body)).toEqual({
      since: '2025-12-01T09:00:00.000Z',
      until: '2025-12-01T09:00:00.000Z',
    });
    expect(api.made('GET', `/recoveries/${RCV}`)).toHaveLength(3);
    expect(stdout.split('\n')).toEqual([
      `recovery ${RCV}: 4 notifications (Ctrl-C stops following it; the recovery goes on)`,
      `[${'='.repeat(15)}${'.'.repeat(15)}] 2/4 started, 0 succeeded, 0 expired (running)`,
      `[${'#'.repeat(23)}${'='.repeat(7)}] 4/4 started, 2 succeeded, 1 expired (running)`,
      `[${'#'.repeat(30)}] 4/4 started, 3 succeeded, 1 expired (completed)`,
      `recovery ${RCV} completed`,
      '',
    ]);
  });

  it('redraws the bar in place on a terminal, and prints only the final state with --json', async () => {
    recoveryOf(4);
    const tty = await runCli(['recover', SUB, '--since', '2h', '--poll-interval', '5'], { env: env(), isTTY: true });
    expect(tty.stdout).toContain('\r\x1b[K[');
    expect(tty.stdout.match(/\r\x1b\[K/g)).toHaveLength(3);
    api.reset();
    recoveryOf(4);
    const json = await plude('recover', SUB, '--since', '2h', '--poll-interval', '5', '--json');
    expect(JSON.parse(json.stdout)).toEqual(recoveryView({ status: 'completed', total: 4, started: 4, succeeded: 3, expired: 1 }));
    expect(json.stderr).toContain(`recovery ${RCV}: 4 notifications`);
  });

  it('stops following on Ctrl-C, saying that the recovery goes on', async () => {
    api.on('POST', `/webhooks/subscriptions/${SUB}/recover`, { status: 202, body: recoveryStarted(9) });
    api.on('GET', `/recoveries/${RCV}`, { status: 200, body: recoveryView({ status: 'running', total: 9, started: 1, succeeded: 0, expired: 0 }) });
    const running = startCli(['recover', SUB, '--since', '1d', '--poll-interval', '60000'], { env: env() });
    await running.printed(/1\/9 started/);
    running.interrupt();
    expect(await running.exitCode).toBe(0);
    expect(running.stdout).toContain(`stopped following; the recovery goes on: plude recoveries get ${RCV}`);
  });

  it('starts a recovery without following it, and shows one later', async () => {
    api.on('POST', `/webhooks/subscriptions/${SUB}/recover`, { status: 202, body: recoveryStarted(0) });
    api.on('GET', `/recoveries/${RCV}`, { status: 200, body: recoveryView({ status: 'completed', total: 0, started: 0, succeeded: 0, expired: 0 }) });
    expect((await plude('recover', SUB, '--since', '90m', '--no-wait')).stdout).toBe(
      `recovery ${RCV} started: 0 notifications\nfollow it: plude recoveries get ${RCV}\n`,
    );
    expect(api.made('GET', `/recoveries/${RCV}`)).toEqual([]);
    expect((await plude('recoveries', 'get', RCV)).stdout).toContain('status:         completed');
  });

  it.each([['yesterday'], ['12'], ['2025-13-45']])('refuses --since %s (exit 2)', async (since) => {
    const { code, stderr } = await plude('recover', SUB, '--since', since);
    expect(code).toBe(2);
    expect(stderr).toContain('an ISO 8601 time like 2025-12-01T09:00:00Z, or a time ago like 90m, 24h or 3d');
  });

  it('reads --since as a time ago or an ISO time', () => {
    const now = Date.parse('2025-12-01T12:00:00Z');
    expect(parseTime('90m', now)).toBe('2025-12-01T10:30:00.000Z');
    expect(parseTime('3d', now)).toBe('2025-11-28T12:00:00.000Z');
    expect(parseTime('2025-12-01', now)).toBe('2025-12-01T00:00:00.000Z');
  });

  it('draws a recovery of nothing without dividing by zero', () => {
    expect(progressBar({ status: 'completed', total: 0, started: 0, succeeded: 0, expired: 0 }, 4)).toBe(
      '[....] 0/0 started, 0 succeeded, 0 expired (completed)',
    );
  });

  it('lists the event types', async () => {
    api.on('GET', '/webhooks/event-types', { status: 200, body: eventTypeList(eventTypeView('invoice.paid', 'An invoice was paid')) });
    expect((await plude('event-types', 'list')).stdout).toBe('NAME          DESCRIPTION\ninvoice.paid  An invoice was paid\n');
    api.reset();
    api.on('GET', '/webhooks/event-types', { status: 200, body: eventTypeList() });
    expect((await plude('event-types', 'list')).stdout).toBe('no event types\n');
  });

  it("puts an event type in the platform's catalog with the service token, its schema and example as the user's own JSON", async () => {
    api.on('PUT', '/event-types/invoice.paid', {
      status: 200,
      body: eventTypeView('invoice.paid', 'Paid', { type: 'object', required: ['amount'] }, { amount: 42 }),
    });
    const schema = '{"type": "object", "required": ["amount"]}';
    const argv = ['event-types', 'put', 'invoice.paid', '--description', 'Paid', '--schema', schema, '--example', '{"amount": 42}'];
    const { code, stdout } = await runCli(argv, { env: env() });
    expect(code).toBe(0);
    expect(api.requests[0].body).toBe(`{"description":"Paid","schema":${schema},"example":{"amount": 42}}`);
    expect(api.requests[0].headers.authorization).toBe('Bearer pwh_stub_service');
    expect(stdout).toContain('event type:   invoice.paid');
    expect(await plude('event-types', 'put', 'invoice.paid')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("required option '--description <text>' not specified"),
    });
  });
});
