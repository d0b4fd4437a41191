import { parseTime } from '../../../src/cli/commands/recover';
import { progressBar } from '../../../src/cli/progress';
import { runCli, startCli } from '../../support/cli-harness';
import { StubApi } from '../../support/stub-api';

const SUB = 'sub_01KAAAAAAAAAAAAAAAAAAAAAAA';

/**
 * Commands for the routes being built on another branch, against their agreed contracts: POST
 * /notifications/:id/redeliver → 202; POST /webhooks/subscriptions/:id/recover {since, until?} → 202 {id,
 * notifications}; GET /recoveries/:id → {status, total, started, succeeded, expired}; PUT /event-types/:name
 * {description, schema?, example?}; GET /webhooks/event-types → a list.
 */
describe('plude commands for redeliver, recover and the event-type catalog (stub API)', () => {
  let api: StubApi;
  beforeAll(async () => (api = await StubApi.start()));
  afterAll(() => api.stop());
  beforeEach(() => api.reset());

  const env = () => ({ PLUDE_URL: api.url, PLUDE_TOKEN: 'pwh_stub', PLUDE_ENVIRONMENT: 'staging' });
  const plude = (...argv: string[]) => runCli(argv, { env: env() });

  it('redelivers a notification', async () => {
    api.on('POST', '/notifications/ntf_1/redeliver', { status: 202 });
    const { code, stdout } = await plude('notifications', 'redeliver', 'ntf_1');
    expect(code).toBe(0);
    expect(stdout).toBe('redelivery of ntf_1 accepted\nfollow it: plude notifications get ntf_1\n');
    expect(api.requests[0]).toMatchObject({ body: '', headers: { authorization: 'Bearer pwh_stub', 'x-environment': 'staging' } });
  });

  /** The recovery's progress: three polls, the last one done. */
  function recoveryOf(total: number) {
    api.on('POST', `/webhooks/subscriptions/${SUB}/recover`, { status: 202, body: { id: 'rcv_1', notifications: total } });
    const states = [
      { status: 'running', total, started: 2, succeeded: 0, expired: 0 },
      { status: 'running', total, started: 4, succeeded: 2, expired: 1 },
      { status: 'completed', total, started: 4, succeeded: 3, expired: 1 },
    ];
    api.on('GET', '/recoveries/rcv_1', (_, index) => ({ status: 200, body: states[Math.min(index, states.length - 1)] }));
  }

  it('recovers since a time, following the progress until the recovery ends', async () => {
    recoveryOf(4);
    const { code, stdout } = await plude('recover', SUB, '--since', '2025-12-01T09:00:00Z', '--until', '2025-12-01T10:00:00+01:00', '--poll-interval', '5');
    expect(code).toBe(0);
    expect(JSON.parse(api.made('POST', `/webhooks/subscriptions/${SUB}/recover`)[0].body)).toEqual({ since: '2025-12-01T09:00:00.000Z', until: '2025-12-01T09:00:00.000Z' });
    expect(api.made('GET', '/recoveries/rcv_1')).toHaveLength(3);
    expect(stdout.split('\n')).toEqual([
      'recovery rcv_1: 4 notifications (Ctrl-C stops following it; the recovery goes on)',
      `[${'='.repeat(15)}${'.'.repeat(15)}] 2/4 started, 0 succeeded, 0 expired (running)`,
      `[${'#'.repeat(23)}${'='.repeat(7)}] 4/4 started, 2 succeeded, 1 expired (running)`,
      `[${'#'.repeat(30)}] 4/4 started, 3 succeeded, 1 expired (completed)`,
      'recovery rcv_1 completed',
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
    expect(JSON.parse(json.stdout)).toEqual({ id: 'rcv_1', status: 'completed', total: 4, started: 4, succeeded: 3, expired: 1 });
    expect(json.stderr).toContain('recovery rcv_1: 4 notifications');
  });

  it('stops following on Ctrl-C, saying that the recovery goes on', async () => {
    api.on('POST', `/webhooks/subscriptions/${SUB}/recover`, { status: 202, body: { id: 'rcv_1', notifications: 9 } });
    api.on('GET', '/recoveries/rcv_1', { status: 200, body: { status: 'running', total: 9, started: 1, succeeded: 0, expired: 0 } });
    const running = startCli(['recover', SUB, '--since', '1d', '--poll-interval', '60000'], { env: env() });
    await running.printed(/1\/9 started/);
    running.interrupt();
    expect(await running.exitCode).toBe(0);
    expect(running.stdout).toContain('stopped following; the recovery goes on: plude recoveries get rcv_1');
  });

  it('starts a recovery without following it, and shows one later', async () => {
    api.on('POST', `/webhooks/subscriptions/${SUB}/recover`, { status: 202, body: { id: 'rcv_2', notifications: 0 } });
    api.on('GET', '/recoveries/rcv_2', { status: 200, body: { status: 'completed', total: 0, started: 0, succeeded: 0, expired: 0 } });
    expect((await plude('recover', SUB, '--since', '90m', '--no-wait')).stdout).toBe('recovery rcv_2 started: 0 notifications\nfollow it: plude recoveries get rcv_2\n');
    expect(api.made('GET', '/recoveries/rcv_2')).toEqual([]);
    expect((await plude('recoveries', 'get', 'rcv_2')).stdout).toContain('status:         completed');
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
    expect(progressBar({ status: 'completed', total: 0, started: 0, succeeded: 0, expired: 0 }, 4)).toBe('[....] 0/0 started, 0 succeeded, 0 expired (completed)');
  });

  it('lists the event types, as a list or a page', async () => {
    const types = [{ name: 'invoice.paid', description: 'An invoice was paid' }];
    api.on('GET', '/webhooks/event-types', (_, index) => ({ status: 200, body: index === 0 ? types : { items: types } }));
    for (let i = 0; i < 2; i++) {
      expect((await plude('event-types', 'list')).stdout).toBe('NAME          DESCRIPTION\ninvoice.paid  An invoice was paid\n');
    }
  });

  it("puts an event type, with a schema and an example as the user's own JSON", async () => {
    api.on('PUT', '/event-types/invoice.paid', { status: 200, body: { name: 'invoice.paid', description: 'Paid' } });
    const schema = '{"type": "object", "required": ["amount"]}';
    const { code, stdout } = await plude('event-types', 'put', 'invoice.paid', '--description', 'Paid', '--schema', schema, '--example', '{"amount": 42}');
    expect(code).toBe(0);
    expect(api.requests[0].body).toBe(`{"description":"Paid","schema":${schema},"example":{"amount": 42}}`);
    expect(stdout).toContain('event type:   invoice.paid');
    expect(await plude('event-types', 'put', 'invoice.paid')).toMatchObject({ code: 2, stderr: expect.stringContaining("required option '--description <text>' not specified") });
  });
});
